"""SpotifyWebClient against the web player emulator (real Chromium) and the recordings."""
