package mockserver

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
)

// writeJSON answers status with v as JSON.
func (s *Server) writeJSON(w http.ResponseWriter, rc *reqCtx, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		s.writeError(w, rc, errInternal())
		return
	}
	writeRaw(w, status, b)
}

// writeRaw answers status with the JSON in b and a newline.
func writeRaw(w http.ResponseWriter, status int, b []byte) {
	setJSONHeaders(w, len(b)+1)
	w.WriteHeader(status)
	// b may be shared (an answer kept for replays): never append to it.
	_, _ = w.Write(b)
	_, _ = w.Write([]byte{'\n'})
}

// writeLine answers status with line, JSON that ends in its newline, in
// one write; line may be shared.
func writeLine(w http.ResponseWriter, status int, line []byte) {
	setJSONHeaders(w, len(line))
	w.WriteHeader(status)
	_, _ = w.Write(line)
}

// setJSONHeaders sets w's Content-Type to application/json and its
// Content-Length to n, so that the answer is not sent in chunks. On the
// pipeline's own writer the headers' value slices are the writer's, not
// new ones per answer.
func setJSONHeaders(w http.ResponseWriter, n int) {
	length := strconv.Itoa(n)
	sw, ok := w.(*statusWriter)
	if !ok {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", length)
		return
	}
	sw.contentType[0] = "application/json"
	sw.contentLength[0] = length
	h := sw.Header()
	h["Content-Type"] = sw.contentType[:]
	h["Content-Length"] = sw.contentLength[:]
}

// bufPool holds response buffers; buffers that grew past maxPooledBuf are
// left to the garbage collector.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

const maxPooledBuf = 1 << 20

// getBuf returns an empty pooled buffer; writeBuf writes and returns it.
func getBuf() *[]byte { return bufPool.Get().(*[]byte) }

// writeBuf answers status with the JSON in b (built on *bp) and a newline,
// as writeRaw does, then returns the buffer to the pool.
func writeBuf(w http.ResponseWriter, status int, bp *[]byte, b []byte) {
	writeLineBuf(w, status, bp, append(b, '\n'))
}

// writeLineBuf answers status with line (built on *bp), as writeLine does,
// then returns the buffer to the pool.
func writeLineBuf(w http.ResponseWriter, status int, bp *[]byte, line []byte) {
	writeLine(w, status, line)
	if cap(line) <= maxPooledBuf {
		*bp = line[:0]
		bufPool.Put(bp)
	}
}

// listStart begins the JSON of a cursor list in a pooled buffer; rows are
// appended to it, comma-separated, and writeList ends it.
func listStart() (*[]byte, []byte) {
	bp := getBuf()
	return bp, append((*bp)[:0], `{"data":[`...)
}

// writeList ends a list begun by listStart with its meta and answers 200.
func writeList(w http.ResponseWriter, bp *[]byte, b []byte, meta listMeta) {
	writeBuf(w, http.StatusOK, bp, appendListEnd(b, meta))
}

// appendListEnd appends the end of a cursor list after its rows: the
// closing bracket, meta and the closing brace.
func appendListEnd(b []byte, meta listMeta) []byte {
	b = append(b, `],"meta":`...)
	b = appendListMeta(b, meta)
	return append(b, '}')
}
