"""Word lists the catalog generator draws realistic (invented) names and values from."""

from __future__ import annotations

FIRST_NAMES = (
    "Amara", "Kofi", "Zainab", "Chidi", "Tunde", "Ngozi", "Lucía", "Mateo", "Sofía", "Diego",
    "Camila", "Lars", "Freya", "Astrid", "Jonas", "Elif", "Emre", "Yara", "Omar", "Layla",
    "Priya", "Arjun", "Aiko", "Haruto", "Minjun", "Seoyeon", "Liam", "Olivia", "Noah", "Ava",
    "Ethan", "Maya", "Caleb", "Nia", "Jalen", "Imani", "Marcus", "Tessa", "Rowan", "Isla",
    "Callum", "Niamh", "Declan", "Siobhan", "Hugo", "Chloé", "Léa", "Théo", "Matteo", "Giulia",
    "Lorenzo", "Aurora", "Mikael", "Ingrid", "Sven", "Anouk", "Daan", "Fenna", "Tomás", "Inês",
    "João", "Beatriz", "Kwame", "Abena", "Femi", "Adaeze", "Thandiwe", "Sipho", "Lerato",
    "Wanjiru", "Baraka", "Esi", "Dario", "Renée", "Joaquín", "Valentina", "Santiago", "Ximena",
    "Andrés", "Paloma", "Ezra", "Hazel", "Felix", "Ruby", "Jasper", "Cleo", "Milo", "Iris",
    "Otis", "June", "Wren", "Selin", "Kenji", "Malia", "Idris", "Soraya", "Bastian", "Noor",
)  # fmt: skip

LAST_NAMES = (
    "Okafor", "Mensah", "Adeyemi", "Nwosu", "Balogun", "Boateng", "Asante", "Kamau", "Otieno",
    "Dlamini", "Nkosi", "Mokoena", "García", "Fernández", "Morales", "Rojas", "Castillo",
    "Navarro", "Herrera", "Vargas", "Lindqvist", "Johansson", "Berg", "Nyström", "Halvorsen",
    "Şahin", "Demir", "Haddad", "Khoury", "Nasser", "Sharma", "Patel", "Iyer", "Tanaka", "Sato",
    "Kim", "Park", "Choi", "Nguyen", "Tran", "Walker", "Bennett", "Hayes", "Brooks", "Foster",
    "Reed", "Coleman", "Price", "Murphy", "O'Brien", "Gallagher", "Byrne", "Lefèvre", "Moreau",
    "Laurent", "Rossi", "Bianchi", "Conti", "Ricci", "Jansen", "de Vries", "Bakker", "Visser",
    "Silva", "Santos", "Costa", "Pereira", "Almeida", "Novak", "Kowalski", "Horvath", "Petrov",
    "Schmidt", "Weber", "Fischer", "Hoffmann", "Wagner", "Campbell", "Stewart", "Fraser",
    "Sinclair", "Ellis", "Hart", "Vance", "Monroe", "Sterling", "Ashford", "Whitaker", "Delgado",
    "Soto", "Ibarra", "Quintero", "Eze", "Obi", "Achterberg", "Lundgren", "Mwangi", "Acheampong",
)  # fmt: skip

STAGE_NAMES = (
    "Kaydo", "Zaria", "Nova Lux", "Lunara", "Kairo", "Sable", "Vesper", "Ayo Blaze", "Tobi Rhymes",
    "Saint Ivory", "Jovi Kai", "Nala", "Echo Vale", "Zephyr", "Malik Sol", "Rayne", "Koda",
    "Yemi Gold", "Lil Teo", "DJ Kwesi", "Marisol", "Indigo Ray", "Aurelio", "Kiki Rome", "Bex",
    "Odessa", "Cruz Alma", "Sunny Oduya", "Tayo Vibez", "Mira Blue", "Jade Koro", "Oli Sands",
    "Prince Ade", "Lumi", "Kwabs Jr", "Niko Vega", "Sade Lux", "Remy Onyx", "Tiwa Rose",
    "Baby Kairo", "Young Amari", "Ziggy Mensa", "Laylo", "Kashi", "Bayo", "Ciel", "Fola", "Ryo",
)  # fmt: skip

# Stage-name parts for catalogs past a few thousand tracks, where STAGE_NAMES and the first-name
# patterns run out: "Lil Amara", "Amara Onyx", then "Lil Amara Onyx".
STAGE_PREFIXES = (
    "Lil", "Yung", "DJ", "Baby", "Young", "Prince", "Saint", "King", "Queen", "MC", "Kid", "Big",
)  # fmt: skip

STAGE_SURNAMES = (
    "Lux", "Vega", "Rome", "Onyx", "Rose", "Gold", "Blue", "Kai", "Vibez", "Rhymes", "Sands",
    "Vale", "Ray", "Alma", "Jr", "Soul", "Storm", "Cruz", "Nova", "Reign", "Bloom", "Haze", "Knox",
    "Rivers", "Stone", "Fuego", "Luna", "Oro", "Sky", "Flame", "Waves", "Zen", "Ace", "Jet",
    "Moon", "Star", "Dice", "Mane", "Drip", "Seven",
)  # fmt: skip

GROUP_NAMES = (
    "The Velvet Arcade", "Paper Lanterns", "Midnight Harbor", "Lagos Night Ensemble",
    "Northern Static", "Glass Orchard", "The Saltwater Kids", "Copper Tides", "Neon Savanna",
    "Golden Hour Club", "Blue Monsoon", "Static Bloom", "The Lowland Choir", "Palm Avenue",
    "Satellite Hearts", "The June Collective", "Electric Mango", "Harbour Boys",
)  # fmt: skip

TITLE_ADJECTIVES = (
    "Golden", "Midnight", "Electric", "Silver", "Broken", "Velvet", "Wild", "Lonely", "Sweet",
    "Neon", "Crimson", "Endless", "Quiet", "Burning", "Slow", "Fading", "Summer", "Paper", "Heavy",
    "Bright", "Lagos", "Sunday", "Cold", "Honey", "Tender", "Reckless", "Secret", "Holy",
)  # fmt: skip

TITLE_NOUNS = (
    "Hearts", "Skyline", "Fever", "River", "Lights", "Dreams", "Motion", "Signals", "Horizon",
    "Echoes", "Roses", "Rain", "Gravity", "Shadows", "Waves", "Static", "Paradise", "Satellite",
    "Thunder", "Diamonds", "Nights", "Summer", "Mirage", "Garden", "Highway", "Letters", "Wine",
)  # fmt: skip

TITLE_PHRASES = (
    "Call Me Back", "Don't Let Go", "Hold On Tight", "Run It Up", "Say Less", "Come Through",
    "Stay Awake", "Take Me Home", "Fall Again", "Dance With Me", "Where You Are", "Before the Sun",
    "Only Love", "No Sleep", "All Night", "Right Here", "Show Me", "Never Enough", "Calma",
    "Fuego Lento", "Ife", "Sabi Girl", "Omo Lagos", "Mi Luna", "Corazón Roto", "Ojo Mi",
    "Bad Decisions", "Ride Slow", "Overthinking", "Another Life", "Soft Launch", "Wahala",
    "Text Me First", "Miles Away", "Ghost Town Love", "Back to You", "Still Here", "Sugar Rush",
)  # fmt: skip

LABELS = (
    "Harbour Lights Records", "Northbound Music", "Kora Sound", "Blue Lantern Recordings",
    "Velvet Room Records", "Lagoon City Music", "Redwood Hill Records", "Atlas Bloom",
    "Palmwine Records", "Slow Tide Music", "Golden Mile Records", "Lowland Sounds",
    "Copperline Records", "Saltmarsh Recordings", "Eastside Yard", "Monsoon Season Records",
)  # fmt: skip

DISTRIBUTORS = (
    "DistroKid", "TuneCore", "CD Baby", "UnitedMasters", "AWAL", "Believe", "EMPIRE", "ONErpm",
    "Ingrooves", "The Orchard", "Stem", "Amuse",
)  # fmt: skip

# MLC original publishers (upper case, as the MLC writes them); admin: who collects for them.
PUBLISHERS = (
    ("SONY MUSIC PUBLISHING (US) LLC", None),
    ("WARNER-TAMERLANE PUBLISHING CORP", None),
    ("UNIVERSAL MUSIC CORP", None),
    ("KOBALT SONGS MUSIC PUBLISHING", None),
    ("BMG RIGHTS MANAGEMENT (US) LLC", None),
    ("SONGTRUST AVE", None),
    ("CONCORD SOUNDS", None),
    ("DOWNTOWN MUSIC PUBLISHING LLC", None),
    ("PULSE MUSIC PUBLISHING", None),
    ("PEERMUSIC III LTD", None),
    ("SENTRIC MUSIC PUBLISHING", None),
    ("CD BABY PRO PUBLISHING", None),
    ("KORA SOUND PUBLISHING LTD", "SONY MUSIC PUBLISHING (US) LLC"),
    ("PALMWINE SONGS", "KOBALT SONGS MUSIC PUBLISHING"),
    ("HARBOUR LIGHTS SONGS LIMITED", "WARNER-TAMERLANE PUBLISHING CORP"),
    ("LAGOON CITY PUBLISHING", "BMG RIGHTS MANAGEMENT (US) LLC"),
)

GENRES = (
    "afrobeats", "afropop", "alte", "amapiano", "pop", "indie pop", "dance pop", "r&b",
    "alternative r&b", "hip hop", "uk drill", "latin pop", "reggaeton", "indie folk", "dream pop",
    "electropop", "house", "nu disco", "soul", "neo soul", "k-pop", "bedroom pop",
    "singer-songwriter", "country pop",
)  # fmt: skip

MOODS = (
    "Happy", "Energetic", "Chill", "Romantic", "Melancholic", "Uplifting", "Dark", "Confident",
    "Dreamy", "Sensual", "Peaceful", "Nostalgic",
)  # fmt: skip

ACTIVITIES = (
    "Workout", "Party", "Study", "Driving", "Sleep", "Focus", "Dinner", "Gaming", "Running",
    "Chill Out", "Travel", "Cooking",
)  # fmt: skip

EDITORIAL_PLAYLISTS = (
    ("Afro Hits", "The biggest Afrobeats and Afropop songs right now."),
    ("Fresh Finds", "New artists and songs, hand-picked from the best of what's next."),
    ("Pop Rising", "Tomorrow's pop hits, today."),
    ("R&B Now", "The sound of R&B right now."),
    ("Amapiano Grooves", "Log drums and late nights."),
    ("Indie Pop Picks", "Bright, melodic indie pop."),
    ("Viva Latino", "Today's top Latin hits."),
    ("Dance Rising", "Club-ready tracks on the rise."),
)

USER_PLAYLISTS = (
    ("A&R watchlist - November", "Songs whose writers we want to meet."),
    ("late night drives", ""),
    ("Lagos to London", "Afrobeats x UK rap, updated weekly."),
    ("gym rotation 2026", ""),
    ("Sunday reset", "slow mornings"),
    ("fresh faces: songwriters", "Unsigned writers on fast-growing tracks."),
    ("kitchen disco", ""),
    ("road trip classics", ""),
    ("study beats", "lo-fi and chill"),
    ("wedding dancefloor", "for Ada & Tomi"),
)

USERS = (
    ("amaka.okafor", "Amaka Okafor"),
    ("djkwesi", "DJ Kwesi"),
    ("lena.berg", "Lena Berg"),
    ("publishing.scout", "Publishing Scout"),
    ("mateo.rojas", "Mateo Rojas"),
    ("tessa.hayes", "Tessa Hayes"),
)

SHOWS = (
    ("Behind the Credits", "Kora Sound Media"),
    ("The Hitmakers Podcast", "Northbound Audio"),
    ("Publishing Unpacked", "Royalty Talks"),
)

EPISODE_TITLES = (
    "How a hook becomes a hit",
    "Splits, sheets and who gets paid",
    "Inside a songwriting camp in Lagos",
    "Why your MLC registration matters",
    "From bedroom demo to editorial playlist",
)

NAMESAKE_DISAMBIGUATIONS = (
    "Swedish jazz drummer",
    "Canadian folk singer",
    "British electronic producer, 1990s",
    "Brazilian session guitarist",
    "US gospel choir director",
    "Australian indie band",
)

COUNTRIES = ("NG", "GB", "US", "GH", "ZA", "KE", "SE", "DE", "FR", "ES", "MX", "BR", "CA", "JP")

MARKETS = ("US", "GB", "CA", "AU", "DE", "FR", "NG", "ZA", "GH", "KE", "BR", "MX", "SE", "JP")
