import psycopg2


def test_postgres_fixture_serves_a_fresh_database_on_loopback(postgres_server, postgres_url):
    assert postgres_url.startswith("postgresql+psycopg2://postgres@127.0.0.1:")
    database = postgres_url.rsplit("/", 1)[1]
    conn = psycopg2.connect(postgres_server.dsn(database))
    with conn.cursor() as cur:
        cur.execute("SELECT current_database(), inet_server_addr()::text")
        name, address = cur.fetchone()
    conn.close()
    assert name == database
    assert address == "127.0.0.1/32"
