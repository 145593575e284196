"""The Spotify Web API client: recorded-response parsing and real HTTP to the emulator."""
