"""Local emulators of Spotify, Chartmetric, The MLC and MusicBrainz, served over real HTTP.

The server base lives in `server` (start/stop, contexts), `serve` (the CLI entry) and `admin`.
"""
