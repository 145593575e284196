"""`python -m track_assets.sandbox.catalog --seed 7 --playlists 20 --tracks 2000 -o catalog.json`."""

from track_assets.sandbox.catalog.generate import main

raise SystemExit(main())
