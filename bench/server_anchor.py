"""Anchor of bench/server.mjs: POST /similar {"word", "k"} -> {"results": [{"word", "score"}]}
answered by gensim 4.2 KeyedVectors.most_similar (exact cosine over every row, numpy) behind
Python's ThreadingHTTPServer. Usage: /usr/bin/python3 bench/server_anchor.py VECTORS.txt"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from gensim.models import KeyedVectors

kv = KeyedVectors.load_word2vec_format(sys.argv[1], binary=False)
kv.fill_norms()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("content-length", 0))
        try:
            body = json.loads(self.rfile.read(length))
            hits = kv.most_similar(body["word"], topn=int(body.get("k", 10)))
            status, out = 200, {"results": [{"word": w, "score": float(s)} for w, s in hits]}
        except KeyError:
            status, out = 404, {"error": {"code": "not_found", "message": "unknown word"}}
        except Exception as e:  # noqa: BLE001 - every bad request is a 400 here
            status, out = 400, {"error": {"code": "bad_request", "message": str(e)}}
        data = json.dumps(out).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
server.serve_forever()
