/*
 * The directory export read at the speed of the disk, off the JavaScript thread. A national
 * export is 127,000 records (77 MB here, 270 MB as data.gouv.fr publishes it) of which two thirds
 * are other services (CCAS, schools…) that relais only counts, and the town halls' records carry
 * dozens of members (opening hours, SIRET…) that relais never reads. Walking every byte as
 * JSON.parse would, in JavaScript, was the better part of `relais check`'s first reading.
 *
 * The scan is src/data/json-skim.ts's walkObject and directory-files.ts's pivotOfOtherServices in
 * C: the same grammar, the same decisions (tests/native-scan.test.ts compares the two on generated
 * and broken documents). It reads the records array of a JSON export (the document itself, or the
 * first member of a root object, named service, results or records). Anything out of the ordinary
 * — a record that is not JSON, another root, a file cut short, an unreadable file — is not decided
 * here: the scan answers « fallback » and the JavaScript reader, which says what is wrong and
 * where, reads the file.
 *
 * Output: `items`, seven int32 per item — kind, record number, line, then for kind 0 (a run of
 * records whose pivot names other services only: nothing kept) the run's length, for kind 1 (a
 * record for JavaScript to read) the offset and length of its bytes in `records` and where its
 * pivot's value is within them (-1, -1 when it has none, or a key written with an escape). A record
 * kept is written with only the members JavaScript reads (`members`; all of them when a key is
 * written with an escape, which could spell any name), and followed by a comma.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WALK_MORE (-1)
#define WALK_INVALID (-2)
#define MAX_DEPTH 256
#define CHUNK (4u << 20)
#define ITEM 7

enum { S_VALUE, S_VALUE_OR_CLOSE, S_KEY, S_KEY_OR_CLOSE, S_COLON, S_NEXT };

static inline int is_digit(uint8_t b) { return b >= 0x30 && b <= 0x39; }
static inline int is_hex(uint8_t b) { return is_digit(b) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x66); }

static long string_end(const uint8_t *buf, long i, long end) {
  while (i < end) {
    uint8_t b = buf[i];
    if (b == '"') return i + 1;
    if (b == '\\') {
      if (i + 1 >= end) return WALK_MORE;
      uint8_t e = buf[i + 1];
      if (e == 'u') {
        if (i + 6 > end) return WALK_MORE;
        if (!is_hex(buf[i + 2]) || !is_hex(buf[i + 3]) || !is_hex(buf[i + 4]) || !is_hex(buf[i + 5])) return WALK_INVALID;
        i += 6;
      } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') i += 2;
      else return WALK_INVALID;
      continue;
    }
    if (b < 0x20) return WALK_INVALID;
    i++;
  }
  return WALK_MORE;
}

static long digits_end(const uint8_t *buf, long i, long end) {
  while (i < end && is_digit(buf[i])) i++;
  return i;
}

static long number_end(const uint8_t *buf, long i, long end) {
  if (buf[i] == '-') i++;
  if (i >= end) return WALK_MORE;
  if (buf[i] == '0') i++;
  else if (buf[i] >= '1' && buf[i] <= '9') i = digits_end(buf, i + 1, end);
  else return WALK_INVALID;
  if (i < end && buf[i] == '.') {
    long d = digits_end(buf, i + 1, end);
    if (d == i + 1) return d >= end ? WALK_MORE : WALK_INVALID;
    i = d;
  }
  if (i < end && (buf[i] == 'e' || buf[i] == 'E')) {
    i++;
    if (i < end && (buf[i] == '+' || buf[i] == '-')) i++;
    long d = digits_end(buf, i, end);
    if (d == i) return d >= end ? WALK_MORE : WALK_INVALID;
    i = d;
  }
  return i >= end ? WALK_MORE : i;
}

static long literal_end(const uint8_t *buf, long i, long end) {
  static const char *words[] = {"true", "false", "null"};
  for (int w = 0; w < 3; w++) {
    const char *word = words[w];
    if (buf[i] != (uint8_t)word[0]) continue;
    long n = (long)strlen(word);
    for (long k = 1; k < n; k++) {
      if (i + k >= end) return WALK_MORE;
      if (buf[i + k] != (uint8_t)word[k]) return WALK_INVALID;
    }
    return i + n;
  }
  return WALK_INVALID;
}

static int has_escape(const uint8_t *buf, long from, long to) {
  return memchr(buf + from, '\\', (size_t)(to - from)) != NULL;
}

typedef struct {
  const uint8_t *name;
  size_t len;
} Name;

#define MAX_MEMBERS 64

typedef struct {
  long lines;
  /* The value of the last top-level member named pivot, or -1; -1 too when a top-level key is written with an escape. */
  long pivot_start, pivot_end;
  /* The top-level members to keep, from the quote of their key to the end of their value. */
  long spans[MAX_MEMBERS][2];
  int nspans;
  /* Some member to keep did not fit in spans, or a key is written with an escape: the record is kept whole. */
  int whole;
} Walked;

static int is_wanted(const uint8_t *key, long len, const Name *wanted, int nwanted) {
  for (int k = 0; k < nwanted; k++)
    if ((size_t)len == wanted[k].len && memcmp(key, wanted[k].name, (size_t)len) == 0) return 1;
  return 0;
}

/*
 * walkObject of json-skim.ts, the key being « pivot »; with `wanted`, the top-level members so
 * named are noted (nwanted 0: the record is kept whole).
 */
static long walk_object(const uint8_t *buf, long start, long end, Walked *out, const Name *wanted, int nwanted) {
  static const uint8_t key[] = "pivot";
  const long key_len = 5;
  uint8_t stack[MAX_DEPTH];
  int depth = 1;
  stack[0] = 1;
  int state = S_KEY_OR_CLOSE;
  long i = start + 1, lines = 0, member_start = -1, ps = -1, pe = -1, key_start = -1;
  int is_member = 0, escaped_key = 0, keep = 0;
  out->nspans = 0;
  out->whole = nwanted == 0;
  while (i < end) {
    uint8_t c = buf[i];
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      if (c == '\n') lines++;
      i++;
      continue;
    }
    if (state == S_KEY || state == S_KEY_OR_CLOSE) {
      if (c == '"') {
        long q = string_end(buf, i + 1, end);
        if (q < 0) return q;
        is_member = depth == 1 && q - i - 2 == key_len && memcmp(buf + i + 1, key, (size_t)key_len) == 0;
        if (depth == 1 && !is_member && has_escape(buf, i + 1, q - 1)) escaped_key = 1;
        if (depth == 1) {
          keep = is_wanted(buf + i + 1, q - i - 2, wanted, nwanted);
          key_start = i;
        }
        i = q;
        state = S_COLON;
        continue;
      }
      if (c != '}' || state != S_KEY_OR_CLOSE) return WALK_INVALID;
      depth--;
      i++;
    } else if (state == S_COLON) {
      if (c != ':') return WALK_INVALID;
      i++;
      if (is_member) member_start = -2;
      state = S_VALUE;
      continue;
    } else if (state == S_NEXT) {
      uint8_t top = stack[depth - 1];
      if (c == ',') {
        i++;
        state = top == 1 ? S_KEY : S_VALUE;
        continue;
      }
      if (!((c == '}' && top == 1) || (c == ']' && top == 2))) return WALK_INVALID;
      depth--;
      i++;
    } else if (c == ']' && state == S_VALUE_OR_CLOSE) {
      depth--;
      i++;
    } else {
      if (member_start == -2) member_start = i;
      if (c == '{' || c == '[') {
        if (depth >= MAX_DEPTH) return WALK_INVALID;
        stack[depth++] = c == '{' ? 1 : 2;
        i++;
        state = c == '{' ? S_KEY_OR_CLOSE : S_VALUE_OR_CLOSE;
        continue;
      }
      long q = c == '"' ? string_end(buf, i + 1, end) : (c == '-' || is_digit(c)) ? number_end(buf, i, end) : literal_end(buf, i, end);
      if (q < 0) return q;
      i = q;
    }
    if (depth == 0) {
      out->lines = lines;
      out->pivot_start = escaped_key ? -1 : ps;
      out->pivot_end = escaped_key ? -1 : pe;
      if (escaped_key) out->whole = 1;
      return i;
    }
    state = S_NEXT;
    if (member_start >= 0 && depth == 1) {
      ps = member_start;
      pe = i;
      member_start = -1;
    }
    if (keep && depth == 1) {
      if (out->nspans == MAX_MEMBERS) out->whole = 1;
      else {
        out->spans[out->nspans][0] = key_start;
        out->spans[out->nspans][1] = i;
        out->nspans++;
      }
      keep = 0;
    }
  }
  return WALK_MORE;
}

/* pivotOfOtherServices's first test: a list whose first entry is an object, with no escape and no « mairie » anywhere. */
static int plainly_other_services(const uint8_t *buf, long start, long end) {
  if (buf[start] != '[') return 0;
  if (has_escape(buf, start, end)) return 0;
  static const uint8_t mairie[] = "mairie";
  for (long i = start; i + 6 <= end; i++) {
    const uint8_t *m = memchr(buf + i, 'm', (size_t)(end - i));
    if (!m) break;
    i = m - buf;
    if (i + 6 <= end && memcmp(m, mairie, 6) == 0) return 0;
  }
  long i = start + 1;
  while (i < end && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t')) i++;
  return i < end && buf[i] == '{';
}

typedef struct {
  int fd;           /* -1: the bytes are all in buf */
  uint8_t *buf;
  long len, cap, pos;
  int eof;
  int32_t *items;
  size_t nitems, items_cap;
  uint8_t *recs;
  size_t nrecs, recs_cap;
  int fallback;
  int error; /* errno of a failed read */
  long line;
  int32_t index;
  const Name *wanted;
  int nwanted;
} Scan;

/* Drops the bytes before pos and reads more; 0 when nothing more comes. */
static int fill(Scan *s) {
  if (s->fd < 0 || s->eof) return 0;
  if (s->pos > 0) {
    memmove(s->buf, s->buf + s->pos, (size_t)(s->len - s->pos));
    s->len -= s->pos;
    s->pos = 0;
  }
  if (s->len == s->cap) {
    long cap = s->cap * 2;
    uint8_t *b = realloc(s->buf, (size_t)cap);
    if (!b) { s->error = ENOMEM; return 0; }
    s->buf = b;
    s->cap = cap;
  }
  for (;;) {
    ssize_t got = read(s->fd, s->buf + s->len, (size_t)(s->cap - s->len));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) { s->error = errno; return 0; }
    if (got == 0) { s->eof = 1; return 0; }
    s->len += got;
    return 1;
  }
}

static int push_item(Scan *s, int32_t kind, int32_t index, int32_t line, int32_t a, int32_t b, int32_t c, int32_t d) {
  if (s->nitems + ITEM > s->items_cap) {
    size_t cap = s->items_cap ? s->items_cap * 2 : 4096;
    int32_t *it = realloc(s->items, cap * sizeof(int32_t));
    if (!it) { s->error = ENOMEM; return 0; }
    s->items = it;
    s->items_cap = cap;
  }
  int32_t *p = s->items + s->nitems;
  p[0] = kind; p[1] = index; p[2] = line; p[3] = a; p[4] = b; p[5] = c; p[6] = d;
  s->nitems += ITEM;
  return 1;
}

static int reserve(Scan *s, size_t n) {
  if (s->nrecs + n > (size_t)INT32_MAX) {
    s->fallback = 1;
    return 0;
  }
  if (s->nrecs + n <= s->recs_cap) return 1;
  size_t cap = s->recs_cap ? s->recs_cap : (1u << 20);
  while (cap < s->nrecs + n) cap *= 2;
  uint8_t *r = realloc(s->recs, cap);
  if (!r) {
    s->error = ENOMEM;
    return 0;
  }
  s->recs = r;
  s->recs_cap = cap;
  return 1;
}

static void append(Scan *s, const uint8_t *bytes, size_t n) {
  memcpy(s->recs + s->nrecs, bytes, n);
  s->nrecs += n;
}

/* The record [start, end) written into `records` with the members JavaScript reads, and its item. */
static int keep_record(Scan *s, long start, long end, const Walked *w) {
  /* At most the record itself, and the comma after it. */
  if (!reserve(s, (size_t)(end - start) + 1)) return 0;
  int32_t off = (int32_t)s->nrecs;
  int32_t ps = -1, pe = -1;
  if (w->whole) {
    append(s, s->buf + start, (size_t)(end - start));
    if (w->pivot_start >= 0) {
      ps = (int32_t)(w->pivot_start - start);
      pe = (int32_t)(w->pivot_end - start);
    }
  } else {
    append(s, (const uint8_t *)"{", 1);
    for (int k = 0; k < w->nspans; k++) {
      if (k) append(s, (const uint8_t *)",", 1);
      long a = w->spans[k][0], b = w->spans[k][1];
      /* The last member named pivot is the one JavaScript reads (as JSON.parse keeps the last). */
      if (w->pivot_start >= a && w->pivot_end <= b) {
        ps = (int32_t)(s->nrecs - (size_t)off + (size_t)(w->pivot_start - a));
        pe = ps + (int32_t)(w->pivot_end - w->pivot_start);
      }
      append(s, s->buf + a, (size_t)(b - a));
    }
    append(s, (const uint8_t *)"}", 1);
  }
  int32_t len = (int32_t)(s->nrecs - (size_t)off);
  append(s, (const uint8_t *)",", 1);
  return push_item(s, 1, s->index, (int32_t)s->line, off, len, ps, pe);
}

/* Skips blanks, counting lines; 0 when the bytes end first (and nothing more comes). */
static int skip_blanks(Scan *s) {
  for (;;) {
    while (s->pos < s->len) {
      uint8_t c = s->buf[s->pos];
      if (c == '\n') s->line++;
      else if (c != ' ' && c != '\r' && c != '\t') return 1;
      s->pos++;
    }
    if (!fill(s)) return 0;
  }
}

static void run(Scan *s) {
  if (!fill(s) && s->len == 0) { s->fallback = 1; return; }
  if (s->len >= 3 && s->buf[0] == 0xef && s->buf[1] == 0xbb && s->buf[2] == 0xbf) s->pos = 3;
  if (!skip_blanks(s)) { s->fallback = 1; return; }
  int object_root = 0;
  if (s->buf[s->pos] == '{') {
    /* { "service" : [ — the first member must be the records array, its key written plainly. */
    object_root = 1;
    s->pos++;
    if (!skip_blanks(s) || s->buf[s->pos] != '"') { s->fallback = 1; return; }
    while (s->len - s->pos < 16 && fill(s)) {}
    const uint8_t *k = s->buf + s->pos + 1;
    long room = s->len - s->pos - 1;
    long klen = room >= 9 && memcmp(k, "service\"", 8) == 0 ? 7 : room >= 9 && (memcmp(k, "results\"", 8) == 0 || memcmp(k, "records\"", 8) == 0) ? 7 : -1;
    if (klen < 0) { s->fallback = 1; return; }
    s->pos += klen + 2;
    if (!skip_blanks(s) || s->buf[s->pos] != ':') { s->fallback = 1; return; }
    s->pos++;
    if (!skip_blanks(s)) { s->fallback = 1; return; }
  }
  if (s->buf[s->pos] != '[') { s->fallback = 1; return; }
  s->pos++;
  int first = 1;
  for (;;) {
    if (!skip_blanks(s)) { s->fallback = 1; return; }
    uint8_t c = s->buf[s->pos];
    if (c == ']' && first) break;
    if (c != '{') { s->fallback = 1; return; }
    Walked w;
    long end;
    for (;;) {
      end = walk_object(s->buf, s->pos, s->len, &w, s->wanted, s->nwanted);
      if (end != WALK_MORE) break;
      if (!fill(s)) { s->fallback = 1; return; }
    }
    if (end < 0) { s->fallback = 1; return; }
    s->index++;
    if (w.pivot_start >= 0 && plainly_other_services(s->buf, w.pivot_start, w.pivot_end)) {
      int32_t *last = s->nitems ? s->items + s->nitems - ITEM : NULL;
      if (last && last[0] == 0) last[3]++;
      else if (!push_item(s, 0, s->index, (int32_t)s->line, 1, 0, -1, -1)) return;
    } else if (!keep_record(s, s->pos, end, &w)) return;
    s->line += w.lines;
    s->pos = end;
    first = 0;
    if (!skip_blanks(s)) { s->fallback = 1; return; }
    c = s->buf[s->pos];
    if (c == ']') break;
    if (c != ',') { s->fallback = 1; return; }
    s->pos++;
    if (!skip_blanks(s) || s->buf[s->pos] != '{') { s->fallback = 1; return; }
  }
  s->pos++;
  /* After the records: nothing but the root object's closing brace. */
  if (skip_blanks(s)) {
    if (!object_root || s->buf[s->pos] != '}') { s->fallback = 1; return; }
    s->pos++;
    if (skip_blanks(s)) { s->fallback = 1; return; }
  } else if (object_root) s->fallback = 1;
}

static void free_names(Name *names, int n) {
  for (int k = 0; k < n; k++) free((void *)names[k].name);
  free(names);
}

/* The member names JavaScript reads (an array of strings), copied; NULL with *n 0 for none. */
static Name *names_of(napi_env env, napi_value list, int *n) {
  *n = 0;
  bool is_array = false;
  if (napi_is_array(env, list, &is_array) != napi_ok || !is_array) return NULL;
  uint32_t count = 0;
  napi_get_array_length(env, list, &count);
  Name *names = calloc(count ? count : 1, sizeof(Name));
  if (!names) return NULL;
  for (uint32_t k = 0; k < count; k++) {
    napi_value v;
    size_t len = 0;
    napi_get_element(env, list, k, &v);
    if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) {
      free_names(names, *n);
      *n = 0;
      return NULL;
    }
    char *name = malloc(len + 1);
    if (!name) {
      free_names(names, *n);
      *n = 0;
      return NULL;
    }
    napi_get_value_string_utf8(env, v, name, len + 1, &len);
    names[*n].name = (const uint8_t *)name;
    names[*n].len = len;
    (*n)++;
  }
  return names;
}

static void free_external(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

/* The scan's answer; its buffers are handed over to JavaScript, not copied (the records of a national export are tens of megabytes). */
static napi_value result_of(napi_env env, Scan *s) {
  napi_value out, v;
  napi_create_object(env, &out);
  if (s->error) {
    napi_create_int32(env, s->error, &v);
    napi_set_named_property(env, out, "errno", v);
  } else if (s->fallback) {
    napi_get_boolean(env, 1, &v);
    napi_set_named_property(env, out, "fallback", v);
  } else {
    napi_value ab, items, recs;
    void *data;
    if (s->nitems == 0 || napi_create_external_arraybuffer(env, s->items, s->nitems * sizeof(int32_t), free_external, NULL, &ab) != napi_ok) {
      napi_create_arraybuffer(env, s->nitems * sizeof(int32_t), &data, &ab);
      if (s->nitems) memcpy(data, s->items, s->nitems * sizeof(int32_t));
      free(s->items);
    }
    s->items = NULL;
    napi_create_typedarray(env, napi_int32_array, s->nitems, ab, 0, &items);
    napi_set_named_property(env, out, "items", items);
    if (s->nrecs == 0 || napi_create_external_buffer(env, s->nrecs, s->recs, free_external, NULL, &recs) != napi_ok) {
      napi_create_buffer_copy(env, s->nrecs, s->nrecs ? (const void *)s->recs : (const void *)"", &data, &recs);
      free(s->recs);
    }
    s->recs = NULL;
    napi_set_named_property(env, out, "records", recs);
  }
  free(s->items);
  free(s->recs);
  s->items = NULL;
  s->recs = NULL;
  return out;
}

/* scanBuffer(buffer, members): the scan of bytes already read (the tests compare it with the JavaScript reader). */
static napi_value scan_buffer(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  void *data;
  size_t len;
  if (argc < 1 || napi_get_buffer_info(env, argv[0], &data, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "scanBuffer: Buffer attendu");
    return NULL;
  }
  Scan s = {0};
  s.fd = -1;
  s.buf = data;
  s.len = (long)len;
  s.cap = (long)len;
  s.eof = 1;
  s.line = 1;
  Name *names = argc > 1 ? names_of(env, argv[1], &s.nwanted) : NULL;
  s.wanted = names;
  run(&s);
  free_names(names, s.nwanted);
  return result_of(env, &s);
}

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  char *path;
  Name *names;
  Scan s;
} FileJob;

static void file_execute(napi_env env, void *data) {
  (void)env;
  FileJob *job = data;
  Scan *s = &job->s;
  s->fd = open(job->path, O_RDONLY | O_CLOEXEC);
  if (s->fd < 0) {
    s->error = errno;
    return;
  }
  s->cap = CHUNK;
  s->buf = malloc((size_t)s->cap);
  if (!s->buf) s->error = ENOMEM;
  else run(s);
  close(s->fd);
  free(s->buf);
  s->buf = NULL;
}

static void file_complete(napi_env env, napi_status status, void *data) {
  FileJob *job = data;
  if (status != napi_ok && !job->s.error) job->s.error = ECANCELED;
  napi_resolve_deferred(env, job->deferred, result_of(env, &job->s));
  napi_delete_async_work(env, job->work);
  free_names(job->names, job->s.nwanted);
  free(job->path);
  free(job);
}

/* scanFile(path, members): a promise of the scan of the file, read and walked on a thread of libuv's pool. */
static napi_value scan_file(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  size_t n;
  if (argc < 1 || napi_get_value_string_utf8(env, argv[0], NULL, 0, &n) != napi_ok) {
    napi_throw_type_error(env, NULL, "scanFile: chemin attendu");
    return NULL;
  }
  FileJob *job = calloc(1, sizeof(FileJob));
  char *path = job ? malloc(n + 1) : NULL;
  if (!path) {
    free(job);
    napi_throw_error(env, NULL, "scanFile: mémoire insuffisante");
    return NULL;
  }
  job->path = path;
  napi_get_value_string_utf8(env, argv[0], job->path, n + 1, &n);
  job->s.line = 1;
  job->names = argc > 1 ? names_of(env, argv[1], &job->s.nwanted) : NULL;
  job->s.wanted = job->names;
  napi_value promise, name;
  napi_create_promise(env, &job->deferred, &promise);
  napi_create_string_utf8(env, "relais-directory-scan", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, file_execute, file_complete, job, &job->work);
  napi_queue_async_work(env, job->work);
  return promise;
}

NAPI_MODULE_INIT() {
  napi_value f;
  napi_create_function(env, "scanBuffer", NAPI_AUTO_LENGTH, scan_buffer, NULL, &f);
  napi_set_named_property(env, exports, "scanBuffer", f);
  napi_create_function(env, "scanFile", NAPI_AUTO_LENGTH, scan_file, NULL, &f);
  napi_set_named_property(env, exports, "scanFile", f);
  return exports;
}
