// Package live is podium's sync hub: it owns the presentation state (current
// slide, step, blackout, deck version, presenter timer), knows who is
// connected in which role, and pushes every change to every browser over a
// websocket at /ws.
//
// The wire protocol is specified in docs/protocol.md; this package is its
// reference server. The hub knows nothing about Markdown: the server hands it
// a minimal Deck (slide ids and step counts) with SetDeck, and speaker notes
// never enter the hub, so no frame can carry them.
//
// The state survives restarts through a Store (FileStore: one JSON file
// replaced atomically): the hub hands it a Snapshot after every change,
// coalesced to one write per 100 ms, and starts from Options.Restore.
//
// Concurrency follows gorilla's chat example, with two twists for large
// audiences on small machines:
//
//   - One mutex (Hub.mu) owns the state and the client set. Every change is
//     encoded once into a websocket.PreparedMessage and dropped into each
//     client's latest-wins slot while the lock is held, so every client sees
//     changes in order and a slow client only ever holds the newest frame of
//     each kind.
//   - Each connection has exactly one reader goroutine and at most one writer
//     goroutine, and the writer exists only while there is something to write.
//     The heartbeat (a ping and a beat frame every 3 s, so that both sides
//     notice a dead connection within three of them) is queued through
//     the same writer by a single hub-wide ticker.
//     An idle connection therefore costs one parked goroutine, a small read
//     buffer and the gorilla Conn.
package live
