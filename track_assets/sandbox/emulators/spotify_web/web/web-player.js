/* Sandbox web player: the same requests as open.spotify.com's web player, against this host.
 *
 * The build header before this file (served by the emulator) defines CLIENT_ID,
 * CLIENT_VERSION, TOTP_SECRET, TOTP_VERSION and registers the persisted queries with
 * registerPersistedQuery(name, kind, sha256). Flow per page:
 *   GET  /api/token?reason&productType&totp&totpServer&totpVer   (sp_dc cookie -> logged in)
 *   POST /v1/clienttoken                                           (client-token header)
 *   POST /pathfinder/v2/query {variables, operationName, extensions.persistedQuery}
 *   GET  /track-credits-view/v0/experimental/{id}/credits          ("View credits")
 */

const session = { token: null, clientToken: null, deviceId: null };

class RequestFailure extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// -- TOTP (RFC 6238, HMAC-SHA1, 30 s, 6 digits) --------------------------------------------

async function totpCode(timeMs) {
  const keyText = TOTP_SECRET.map((byte, i) => String(byte ^ ((i % 33) + 9))).join("");
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(keyText),
    { name: "HMAC", hash: "SHA-1" },
    false,
    ["sign"],
  );
  const counter = Math.floor(timeMs / 1000 / 30);
  const message = new DataView(new ArrayBuffer(8));
  message.setUint32(0, Math.floor(counter / 4294967296));
  message.setUint32(4, counter >>> 0);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, message.buffer));
  const offset = mac[mac.length - 1] & 15;
  const value =
    ((mac[offset] & 127) << 24) |
    (mac[offset + 1] << 16) |
    (mac[offset + 2] << 8) |
    mac[offset + 3];
  return String(value % 1000000).padStart(6, "0");
}

// -- tokens ----------------------------------------------------------------------------------

async function accessToken() {
  const current = session.token;
  if (current && Date.now() < current.accessTokenExpirationTimestampMs - 2000) {
    return current;
  }
  const code = await totpCode(Date.now());
  const params = new URLSearchParams({
    reason: current ? "transport" : "init",
    productType: "web-player",
    totp: code,
    totpServer: code,
    totpVer: String(TOTP_VERSION),
  });
  const response = await fetch("/api/token?" + params.toString(), {
    credentials: "include",
    headers: { accept: "application/json" },
  });
  if (!response.ok) {
    throw new RequestFailure(response.status, "token request refused");
  }
  session.token = await response.json();
  return session.token;
}

function deviceId() {
  if (!session.deviceId) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    session.deviceId = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  return session.deviceId;
}

async function clientToken() {
  const current = session.clientToken;
  if (current && Date.now() < current.expiresAt) {
    return current.token;
  }
  const response = await fetch("/v1/clienttoken", {
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/json" },
    body: JSON.stringify({
      client_data: {
        client_version: CLIENT_VERSION,
        client_id: CLIENT_ID,
        js_sdk_data: {
          device_brand: "unknown",
          device_model: "unknown",
          os: navigator.platform || "unknown",
          os_version: "unknown",
          device_id: deviceId(),
          device_type: "computer",
        },
      },
    }),
  });
  if (!response.ok) {
    throw new RequestFailure(response.status, "client token request refused");
  }
  const granted = (await response.json()).granted_token;
  session.clientToken = {
    token: granted.token,
    expiresAt: Date.now() + granted.expires_after_seconds * 1000,
  };
  return granted.token;
}

async function apiHeaders() {
  const token = await accessToken();
  return {
    accept: "application/json",
    "accept-language": "en",
    "app-platform": "WebPlayer",
    authorization: "Bearer " + token.accessToken,
    "client-token": await clientToken(),
    "spotify-app-version": CLIENT_VERSION,
  };
}

// -- pathfinder --------------------------------------------------------------------------

async function pathfinder(operationName, variables) {
  const query = persistedQueries[operationName];
  for (let attempt = 0; ; attempt++) {
    const headers = await apiHeaders();
    headers["content-type"] = "application/json;charset=UTF-8";
    const response = await fetch("/pathfinder/v2/query", {
      method: "POST",
      headers,
      body: JSON.stringify({
        variables,
        operationName,
        extensions: { persistedQuery: { version: 1, sha256Hash: query.sha256 } },
      }),
    });
    if (response.status === 401 && attempt === 0) {
      session.token = null; // expired: a new one, then once more
      continue;
    }
    let body = null;
    try {
      body = await response.json();
    } catch (error) {
      body = null;
    }
    if (body && Array.isArray(body.errors) && body.errors.length) {
      throw new RequestFailure(response.status, body.errors[0].message);
    }
    if (!response.ok || !body || !body.data) {
      throw new RequestFailure(response.status, "pathfinder request failed");
    }
    return body.data;
  }
}

// -- rendering ----------------------------------------------------------------------------

const main = () => document.getElementById("main");

function element(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value !== null && value !== undefined) {
      node.setAttribute(name, value);
    }
  }
  for (const child of children) {
    if (child !== null && child !== undefined) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}

function formatCount(text) {
  return BigInt(text).toLocaleString("en-US");
}

function formatDuration(ms) {
  const seconds = Math.round(ms / 1000);
  return Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
}

function idOf(uri) {
  return uri.split(":").pop();
}

function artistLinks(items) {
  const span = element("span", { "data-testid": "creator-link" });
  items.forEach((artist, i) => {
    if (i) span.append(", ");
    span.append(element("a", { href: "/artist/" + idOf(artist.uri) }, artist.profile.name));
  });
  return span;
}

function show(node) {
  main().replaceChildren(node);
  main().setAttribute("data-state", "ready");
}

function showFailure(error) {
  main().replaceChildren(
    element(
      "div",
      { "data-testid": "error", "data-error": error.message, "data-status": error.status },
      "Something went wrong. Try reloading the page.",
    ),
  );
  main().setAttribute("data-state", "error");
}

function showNotFound(kind) {
  main().replaceChildren(
    element("div", { "data-testid": "not-found" }, "Couldn't find that " + kind + "."),
  );
  main().setAttribute("data-state", "not-found");
}

// -- /track/{id} ------------------------------------------------------------------------

async function trackPage(trackId) {
  const data = await pathfinder("getTrack", { uri: "spotify:track:" + trackId });
  const track = data.trackUnion;
  if (!track) return showNotFound("track");
  const album = track.albumOfTrack;
  const artists = track.firstArtist.items.concat(track.otherArtists.items);
  const credits = element("div", {
    "data-testid": "credits",
    role: "dialog",
    "aria-label": "Credits",
    hidden: "",
  });
  const button = element("button", { type: "button", "data-testid": "credits-button" }, "View credits");
  button.addEventListener("click", () => showCredits(trackId, credits));
  show(
    element(
      "section",
      { "data-testid": "track-page", "data-track-uri": track.uri },
      element("h1", { "data-testid": "entityTitle" }, track.name),
      element("p", {}, artistLinks(artists)),
      element(
        "p",
        {},
        element("a", { "data-testid": "album-link", href: "/album/" + album.id }, album.name),
        " · ",
        element("span", { "data-testid": "release-date" }, album.date.year),
        " · ",
        element("span", { "data-testid": "duration" }, formatDuration(track.duration.totalMilliseconds)),
      ),
      element(
        "p",
        {},
        element("span", { "data-testid": "playcount", "aria-label": "Play count" }, formatCount(track.playcount)),
        " plays",
      ),
      button,
      credits,
    ),
  );
}

async function showCredits(trackId, panel) {
  panel.hidden = false;
  panel.replaceChildren(element("p", { "data-testid": "credits-loading" }, "Loading credits…"));
  try {
    const token = await accessToken();
    if (token.isAnonymous) {
      panel.replaceChildren(
        element(
          "p",
          { "data-testid": "credits-login-required" },
          "Log in to Spotify to see the credits of this track.",
        ),
      );
      return;
    }
    const response = await fetch(
      "/track-credits-view/v0/experimental/" + trackId + "/credits",
      { headers: await apiHeaders() },
    );
    if (!response.ok) {
      throw new RequestFailure(response.status, "credits request failed");
    }
    const body = await response.json();
    const sections = body.roleCredits.map((group) =>
      element(
        "section",
        { "data-testid": "credits-group", "data-role": group.roleTitle },
        element("h3", {}, group.roleTitle),
        element(
          "ul",
          {},
          ...group.artists.map((person) =>
            element(
              "li",
              { "data-testid": "credits-person", "data-uri": person.uri },
              element("span", { "data-testid": "credits-name" }, person.name),
              " — ",
              element("span", { "data-testid": "credits-subroles" }, person.subroles.join(", ")),
            ),
          ),
        ),
      ),
    );
    panel.replaceChildren(
      element("h2", {}, "Credits"),
      ...sections,
      element("p", { "data-testid": "credits-source" }, "Source: " + body.sourceNames.join(", ")),
    );
  } catch (error) {
    panel.replaceChildren(
      element(
        "p",
        { "data-testid": "credits-error", "data-status": error.status },
        "Credits are unavailable right now.",
      ),
    );
  }
}

// -- /album/{id} -------------------------------------------------------------------------

async function albumPage(albumId) {
  const rows = [];
  let album = null;
  for (let offset = 0; ; ) {
    const data = await pathfinder("getAlbum", {
      uri: "spotify:album:" + albumId,
      locale: "",
      offset,
      limit: 50,
    });
    album = data.albumUnion;
    if (!album) return showNotFound("album");
    rows.push(...album.tracksV2.items);
    offset += album.tracksV2.items.length;
    if (!album.tracksV2.items.length || offset >= album.tracksV2.totalCount) break;
  }
  show(
    element(
      "section",
      { "data-testid": "album-page", "data-album-uri": album.uri },
      element("h1", { "data-testid": "entityTitle" }, album.name),
      element("p", {}, artistLinks(album.artists.items)),
      element("p", { "data-testid": "album-label" }, album.label),
      element(
        "ol",
        { "data-testid": "tracklist" },
        ...rows.map(({ track }) =>
          element(
            "li",
            { "data-testid": "tracklist-row", "data-track-uri": track.uri },
            element("a", { href: "/track/" + idOf(track.uri), "data-testid": "track-name" }, track.name),
            " · ",
            element("span", { "data-testid": "playcount" }, formatCount(track.playcount)),
          ),
        ),
      ),
    ),
  );
}

// -- /playlist/{id} ----------------------------------------------------------------------

function playlistRow(item) {
  const wrapper = item.itemV2;
  const data = wrapper.data;
  if (data.__typename === "Track") {
    return element(
      "li",
      { "data-testid": "tracklist-row", "data-track-uri": data.uri },
      element("a", { href: "/track/" + idOf(data.uri), "data-testid": "track-name" }, data.name),
      " · ",
      artistLinks(data.artists.items),
      " · ",
      element("a", { href: "/album/" + idOf(data.albumOfTrack.uri) }, data.albumOfTrack.name),
    );
  }
  return element(
    "li",
    { "data-testid": "tracklist-row", "data-kind": data.__typename, "data-uri": data.uri || "" },
    data.name || "This item is unavailable",
  );
}

async function playlistPage(playlistId) {
  const rows = [];
  let playlist = null;
  for (let offset = 0; ; ) {
    const data = await pathfinder("fetchPlaylist", {
      uri: "spotify:playlist:" + playlistId,
      offset,
      limit: 100, // as recorded (docs/services.md#pathfinder-operations); the server answers at most 25 per page
      enableWatchFeedEntrypoint: false,
    });
    playlist = data.playlistV2;
    if (!playlist) return showNotFound("playlist");
    rows.push(...playlist.content.items);
    offset += playlist.content.items.length;
    if (!playlist.content.items.length || offset >= playlist.content.totalCount) break;
  }
  show(
    element(
      "section",
      { "data-testid": "playlist-page", "data-playlist-uri": playlist.uri },
      element("h1", { "data-testid": "entityTitle" }, playlist.name),
      element("p", { "data-testid": "playlist-owner" }, playlist.ownerV2.data.name),
      element("p", { "data-testid": "playlist-followers" }, formatCount(String(playlist.followers)), " saves"),
      element("ol", { "data-testid": "tracklist", "data-total": playlist.content.totalCount }, ...rows.map(playlistRow)),
    ),
  );
}

// -- /artist/{id} ------------------------------------------------------------------------

async function artistPage(artistId) {
  const data = await pathfinder("queryArtistOverview", {
    uri: "spotify:artist:" + artistId,
    locale: "",
    includePrerelease: false,
  });
  const artist = data.artistUnion;
  if (!artist) return showNotFound("artist");
  show(
    element(
      "section",
      { "data-testid": "artist-page", "data-artist-uri": artist.uri },
      element("h1", { "data-testid": "entityTitle" }, artist.profile.name),
      element(
        "p",
        {},
        element("span", { "data-testid": "monthly-listeners" }, formatCount(String(artist.stats.monthlyListeners))),
        " monthly listeners",
      ),
      element(
        "p",
        {},
        element("span", { "data-testid": "followers" }, formatCount(String(artist.stats.followers))),
        " followers",
      ),
    ),
  );
}

// -- routing ------------------------------------------------------------------------------

const ROUTES = [
  [/^\/track\/([0-9A-Za-z]+)\/?$/, trackPage],
  [/^\/album\/([0-9A-Za-z]+)\/?$/, albumPage],
  [/^\/playlist\/([0-9A-Za-z]+)\/?$/, playlistPage],
  [/^\/artist\/([0-9A-Za-z]+)\/?$/, artistPage],
];

async function start() {
  for (const [pattern, page] of ROUTES) {
    const match = location.pathname.match(pattern);
    if (match) {
      try {
        await page(match[1]);
      } catch (error) {
        showFailure(error);
      }
      return;
    }
  }
  showNotFound("page");
}

start();
