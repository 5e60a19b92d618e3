// static.mjs: serves folders as a static host would, for firstpaint.mjs's
// peers (a Marp HTML file, reveal-md's and Slidev's built sites): gzip when
// asked, revalidation headers, index.html for a folder.
//
//   node cmd/podium-load/static.mjs PORT DIR
import {createServer} from "node:http";
import {readFile, stat} from "node:fs/promises";
import {extname, join, normalize} from "node:path";
import {gzipSync} from "node:zlib";

const [port, root] = process.argv.slice(2);
const types = {".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css",
  ".svg": "image/svg+xml", ".json": "application/json", ".woff2": "font/woff2", ".woff": "font/woff", ".png": "image/png", ".ico": "image/x-icon"};
const zipped = new Map();
createServer(async (req, res) => {
  let path = normalize(join(root, decodeURIComponent(new URL(req.url, "http://x").pathname)));
  if (!path.startsWith(normalize(root))) return res.writeHead(403).end();
  try {
    if ((await stat(path)).isDirectory()) path = join(path, "index.html");
    let body = await readFile(path);
    const type = types[extname(path)] || "application/octet-stream";
    const head = {"Content-Type": type, "Cache-Control": "no-cache"};
    if (/gzip/.test(req.headers["accept-encoding"] || "") && /text|javascript|json|svg/.test(type)) {
      if (!zipped.has(path)) zipped.set(path, gzipSync(body, {level: 9}));
      body = zipped.get(path);
      head["Content-Encoding"] = "gzip";
    }
    res.writeHead(200, head).end(body);
  } catch {
    res.writeHead(404).end();
  }
}).listen(Number(port), "127.0.0.1");
