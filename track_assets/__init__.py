"""track_assets: enrich the tracks of Spotify playlists for music-publishing teams."""
