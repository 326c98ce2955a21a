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
 * pivot's value is within them (-1, -1 when it has none, or a key written with an escape), for
 * kind 2 (a plain town hall, packed: see pack_town_hall) the offset and length of its packed
 * text. A record of kind 1 is written with only the members JavaScript reads (`members`; all of
 * them when a key is written with an escape, which could spell any name). Each is followed by a
 * comma.
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
  /* The town-hall types: plain town halls are packed (pack_town_hall) when JavaScript gives them. */
  const Name *types;
  int ntypes;
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
  /* Items past what an ArrayBuffer holds, or lines past an int32 (files of gigabytes): JavaScript reads them. */
  if (s->nitems + ITEM > (size_t)INT32_MAX / sizeof(int32_t) || s->line > INT32_MAX) {
    s->fallback = 1;
    return 0;
  }
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

/*
 * A plain town hall, packed. Most town halls' records are plain: every field relais reads is a
 * string without escapes or blanks at its ends, the pivot a list of objects, the addresses,
 * emails and phones lists. Of such a record, the fields classifyRecord (src/data/directory.ts)
 * reads are written as one JSON array of their own string tokens, copied as they are —
 * [code_insee_commune, type, [codes], nom, id, date_modification, [the letter's address: type,
 * complement1, complement2, numero_voie, service_distribution, code_postal, nom_commune] or null,
 * [emails], first phone] — which townHallVerdict reads as classifyRecord would have read the
 * record: a few strings where the parsed record was dozens of objects and strings. Any record
 * that is not so plain is handed over as an object and read by classifyRecord. The town-hall
 * types are JavaScript's (TOWN_HALL_TYPES), given with each scan: without them, nothing is packed.
 */

typedef struct {
  long a, b; /* a string token, quotes included; a < 0: absent */
} Tok;

#define MAX_LIST 16

typedef struct {
  Tok own, type, nom, id, date, tel;
  Tok codes[MAX_LIST];
  int ncodes;
  Tok emails[MAX_LIST];
  int nemails;
  Tok addr[7];
  int has_addr;
} Packed;

static long skip_ws(const uint8_t *buf, long i, long end) {
  while (i < end && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t')) i++;
  return i;
}

/* The end of the (well-formed) value at i. */
static long skip_value(const uint8_t *buf, long i, long end) {
  if (i >= end) return end;
  if (buf[i] == '"') {
    i++;
    while (i < end && buf[i] != '"') i += buf[i] == '\\' ? 2 : 1;
    return i + 1 < end ? i + 1 : end;
  }
  if (buf[i] == '{' || buf[i] == '[') {
    int depth = 0;
    while (i < end) {
      uint8_t c = buf[i];
      if (c == '"') {
        i = skip_value(buf, i, end);
        continue;
      }
      if (c == '{' || c == '[') depth++;
      else if (c == '}' || c == ']') {
        depth--;
        if (depth == 0) return i + 1;
      }
      i++;
    }
    return end;
  }
  while (i < end && buf[i] != ',' && buf[i] != '}' && buf[i] != ']' && buf[i] != ' ' && buf[i] != '\n' && buf[i] != '\r' && buf[i] != '\t') i++;
  return i;
}

/* The code point of the UTF-8 sequence at i (within [i, end)), or -1 for a broken one. */
static long code_point(const uint8_t *buf, long i, long end) {
  uint8_t b = buf[i];
  int n = b < 0x80 ? 0 : (b & 0xe0) == 0xc0 ? 1 : (b & 0xf0) == 0xe0 ? 2 : (b & 0xf8) == 0xf0 ? 3 : -1;
  if (n == 0) return b;
  if (n < 0 || i + n >= end) return -1;
  long cp = b & (0x3f >> n);
  for (int k = 1; k <= n; k++) {
    if ((buf[i + k] & 0xc0) != 0x80) return -1;
    cp = (cp << 6) | (buf[i + k] & 0x3f);
  }
  return cp;
}

/* What String.prototype.trim takes away (its WhiteSpace and LineTerminator), or a broken sequence. */
static int trimmed_away(long cp) {
  return cp < 0 || cp <= 0x20 || cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000 || cp == 0xfeff;
}

/* A string token [a, b) whose text is itself trimmed and has no escape: what text() gives is its bytes. */
static int plain_string(const uint8_t *buf, long a, long b) {
  long from = a + 1, to = b - 1;
  if (b - a < 2 || buf[a] != '"' || buf[b - 1] != '"') return 0;
  if (from == to) return 1;
  if (memchr(buf + from, '\\', (size_t)(to - from))) return 0;
  if (trimmed_away(code_point(buf, from, to))) return 0;
  long last = to - 1;
  while (last > from && (buf[last] & 0xc0) == 0x80 && to - last < 4) last--;
  return !trimmed_away(code_point(buf, last, to));
}

static int key_is(const uint8_t *buf, long a, long b, const char *name) {
  size_t n = strlen(name);
  return (size_t)(b - a - 2) == n && memcmp(buf + a + 1, name, n) == 0;
}

/*
 * Walks the members of the object at i: for each, `member` gets the key's token and where the
 * value starts; a key with an escape, or `member` refusing, makes the object not plain (0).
 */
typedef int (*MemberFn)(const uint8_t *buf, long ka, long kb, long v, long end, void *ctx);

static int each_member(const uint8_t *buf, long i, long end, MemberFn member, void *ctx) {
  if (i >= end || buf[i] != '{') return 0;
  i = skip_ws(buf, i + 1, end);
  if (i < end && buf[i] == '}') return 1;
  while (i < end) {
    long kb = skip_value(buf, i, end);
    if (buf[i] != '"' || memchr(buf + i, '\\', (size_t)(kb - i))) return 0;
    long v = skip_ws(buf, kb, end);
    if (v >= end || buf[v] != ':') return 0;
    v = skip_ws(buf, v + 1, end);
    if (v >= end || !member(buf, i, kb, v, end, ctx)) return 0;
    i = skip_ws(buf, skip_value(buf, v, end), end);
    if (i >= end || buf[i] == '}') return 1;
    i = skip_ws(buf, i + 1, end); /* past the comma */
  }
  return 0;
}

/* The elements of the list at i, each given to `element` with where it starts; not a list: 0. */
typedef int (*ElementFn)(const uint8_t *buf, long v, long end, void *ctx);

static int each_element(const uint8_t *buf, long i, long end, ElementFn element, void *ctx) {
  if (i >= end || buf[i] != '[') return 0;
  i = skip_ws(buf, i + 1, end);
  if (i < end && buf[i] == ']') return 1;
  while (i < end) {
    if (!element(buf, i, end, ctx)) return 0;
    i = skip_ws(buf, skip_value(buf, i, end), end);
    if (i >= end || buf[i] == ']') return 1;
    i = skip_ws(buf, i + 1, end);
  }
  return 0;
}

/* A plain string value at v, taken once (a member given twice is read as JSON.parse keeps it: not here). */
static int take_string(const uint8_t *buf, long v, long end, Tok *t) {
  if (t->a >= 0 || buf[v] != '"') return 0;
  long b = skip_value(buf, v, end);
  if (!plain_string(buf, v, b)) return 0;
  t->a = v;
  t->b = b;
  return 1;
}

/* One of the town-hall types JavaScript gives (TOWN_HALL_TYPES of src/data/directory.ts). */
static int is_town_hall_type(const uint8_t *buf, const Tok *t, const Name *types, int ntypes) {
  return t->a >= 0 && is_wanted(buf + t->a + 1, t->b - t->a - 2, types, ntypes);
}

typedef struct {
  Tok type;
  Tok codes[MAX_LIST];
  int ncodes;
  int has_codes;
} Entry;

static int code_element(const uint8_t *buf, long v, long end, void *ctx) {
  Entry *e = ctx;
  if (e->ncodes == MAX_LIST) return 0;
  Tok t = {-1, -1};
  if (!take_string(buf, v, end, &t)) return 0;
  e->codes[e->ncodes++] = t;
  return 1;
}

static int entry_member(const uint8_t *buf, long ka, long kb, long v, long end, void *ctx) {
  Entry *e = ctx;
  if (key_is(buf, ka, kb, "type_service_local")) return take_string(buf, v, end, &e->type);
  if (key_is(buf, ka, kb, "code_insee_commune")) {
    if (e->has_codes) return 0;
    e->has_codes = 1;
    if (buf[v] == '"') {
      Tok t = {-1, -1};
      if (!take_string(buf, v, end, &t)) return 0;
      e->codes[e->ncodes++] = t;
      return 1;
    }
    return each_element(buf, v, end, code_element, e);
  }
  return 1;
}

typedef struct {
  Packed *p;
  const Name *types;
  int ntypes;
  int found;
} PivotCtx;

static int pivot_element(const uint8_t *buf, long v, long end, void *ctx) {
  PivotCtx *c = ctx;
  Entry e;
  memset(&e, 0, sizeof e);
  e.type.a = -1;
  if (!each_member(buf, v, end, entry_member, &e)) return 0;
  if (c->found || !is_town_hall_type(buf, &e.type, c->types, c->ntypes)) return 1;
  c->found = 1;
  c->p->type = e.type;
  memcpy(c->p->codes, e.codes, sizeof e.codes);
  c->p->ncodes = e.ncodes;
  return 1;
}

static const char *ADDRESS_FIELDS[7] = {"type_adresse", "complement1", "complement2", "numero_voie", "service_distribution", "code_postal", "nom_commune"};

typedef struct {
  Tok f[7];
} Address;

static int address_member(const uint8_t *buf, long ka, long kb, long v, long end, void *ctx) {
  Address *a = ctx;
  for (int k = 0; k < 7; k++)
    if (key_is(buf, ka, kb, ADDRESS_FIELDS[k])) return take_string(buf, v, end, &a->f[k]);
  return 1;
}

typedef struct {
  Address chosen;
  int rank; /* 0 none, 1 the first, 2 « adresse », 3 « postale » (letterAddress's order) */
} AddressCtx;

/* ASCII letters compared without case: what a JavaScript /i pattern without u does with them (no other character folds to one). */
static int same_letter(uint8_t x, uint8_t y) {
  return x == y || ((x | 0x20) == (y | 0x20) && (x | 0x20) >= 'a' && (x | 0x20) <= 'z');
}

static int has_word(const uint8_t *buf, long a, long b, const char *word, int whole) {
  long n = (long)strlen(word);
  a++;
  b--;
  if (whole && b - a != n) return 0;
  for (long i = a; i + n <= b; i++) {
    long k = 0;
    while (k < n && same_letter(buf[i + k], (uint8_t)word[k])) k++;
    if (k == n) return 1;
  }
  return 0;
}

static int address_element(const uint8_t *buf, long v, long end, void *ctx) {
  AddressCtx *c = ctx;
  Address a;
  for (int k = 0; k < 7; k++) a.f[k].a = a.f[k].b = -1;
  if (!each_member(buf, v, end, address_member, &a)) return 0;
  const Tok *t = &a.f[0];
  int rank = t->a >= 0 && has_word(buf, t->a, t->b, "postale", 0) ? 3 : t->a >= 0 && has_word(buf, t->a, t->b, "adresse", 1) ? 2 : 1;
  if (rank > c->rank) {
    c->rank = rank;
    c->chosen = a;
  }
  return 1;
}

static int email_element(const uint8_t *buf, long v, long end, void *ctx) {
  Packed *p = ctx;
  if (p->nemails == MAX_LIST) return 0;
  Tok t = {-1, -1};
  if (!take_string(buf, v, end, &t)) return 0;
  p->emails[p->nemails++] = t;
  return 1;
}

static int phone_member(const uint8_t *buf, long ka, long kb, long v, long end, void *ctx) {
  if (!key_is(buf, ka, kb, "valeur")) return 1;
  return take_string(buf, v, end, ctx);
}

static int phone_element(const uint8_t *buf, long v, long end, void *ctx) {
  Packed *p = ctx;
  Tok t = {-1, -1};
  if (buf[v] == '{' ? !each_member(buf, v, end, phone_member, &t) : !take_string(buf, v, end, &t)) return 0;
  /* firstValue: the first that is not empty. */
  if (p->tel.a < 0 && t.a >= 0 && t.b - t.a > 2) p->tel = t;
  return 1;
}

typedef struct {
  Packed *p;
  const Name *types;
  int ntypes;
  int seen_pivot, seen_address, seen_emails, seen_phones, found;
} RecordCtx;

static int record_member(const uint8_t *buf, long ka, long kb, long v, long end, void *ctx) {
  RecordCtx *c = ctx;
  Packed *p = c->p;
  if (key_is(buf, ka, kb, "id")) return take_string(buf, v, end, &p->id);
  if (key_is(buf, ka, kb, "nom")) return take_string(buf, v, end, &p->nom);
  if (key_is(buf, ka, kb, "code_insee_commune")) return take_string(buf, v, end, &p->own);
  if (key_is(buf, ka, kb, "date_modification")) return take_string(buf, v, end, &p->date);
  /* Wrapped records are read by classifyRecord. */
  if (key_is(buf, ka, kb, "record") || key_is(buf, ka, kb, "fields")) return 0;
  if (key_is(buf, ka, kb, "pivot")) {
    if (c->seen_pivot++) return 0;
    PivotCtx pc = {p, c->types, c->ntypes, 0};
    if (!each_element(buf, v, end, pivot_element, &pc)) return 0;
    c->found = pc.found;
    return 1;
  }
  if (key_is(buf, ka, kb, "adresse")) {
    if (c->seen_address++) return 0;
    AddressCtx ac;
    memset(&ac, 0, sizeof ac);
    if (!each_element(buf, v, end, address_element, &ac)) return 0;
    if (ac.rank) {
      p->has_addr = 1;
      memcpy(p->addr, ac.chosen.f, sizeof p->addr);
    }
    return 1;
  }
  if (key_is(buf, ka, kb, "adresse_courriel")) return !c->seen_emails++ && each_element(buf, v, end, email_element, p);
  if (key_is(buf, ka, kb, "telephone")) return !c->seen_phones++ && each_element(buf, v, end, phone_element, p);
  return 1;
}

static void append_tok(Scan *s, const uint8_t *buf, const Tok *t) {
  if (t->a < 0) append(s, (const uint8_t *)"\"\"", 2);
  else append(s, buf + t->a, (size_t)(t->b - t->a));
}

static void append_list(Scan *s, const uint8_t *buf, const Tok *list, int n) {
  append(s, (const uint8_t *)"[", 1);
  for (int k = 0; k < n; k++) {
    if (k) append(s, (const uint8_t *)",", 1);
    append_tok(s, buf, &list[k]);
  }
  append(s, (const uint8_t *)"]", 1);
}

/* The record [start, end) packed, when it is a plain town hall's; 0 (nothing written) when not. */
static int pack_town_hall(Scan *s, long start, long end) {
  Packed p;
  memset(&p, 0, sizeof p);
  p.own.a = p.type.a = p.nom.a = p.id.a = p.date.a = p.tel.a = -1;
  RecordCtx c;
  memset(&c, 0, sizeof c);
  c.p = &p;
  c.types = s->types;
  c.ntypes = s->ntypes;
  const uint8_t *buf = s->buf;
  if (!each_member(buf, start, end, record_member, &c) || !c.found) return 0;
  /* The packed text is never longer than the record plus its empty fields ("" each) and brackets. */
  if (!reserve(s, (size_t)(end - start) + 128)) return 0;
  append(s, (const uint8_t *)"[", 1);
  append_tok(s, buf, &p.own);
  append(s, (const uint8_t *)",", 1);
  append_tok(s, buf, &p.type);
  append(s, (const uint8_t *)",", 1);
  append_list(s, buf, p.codes, p.ncodes);
  append(s, (const uint8_t *)",", 1);
  append_tok(s, buf, &p.nom);
  append(s, (const uint8_t *)",", 1);
  append_tok(s, buf, &p.id);
  append(s, (const uint8_t *)",", 1);
  append_tok(s, buf, &p.date);
  append(s, (const uint8_t *)",", 1);
  if (p.has_addr) append_list(s, buf, p.addr, 7);
  else append(s, (const uint8_t *)"null", 4);
  append(s, (const uint8_t *)",", 1);
  append_list(s, buf, p.emails, p.nemails);
  append(s, (const uint8_t *)",", 1);
  append_tok(s, buf, &p.tel);
  append(s, (const uint8_t *)"]", 1);
  return 1;
}

/* The record [start, end) written into `records` with the members JavaScript reads, and its item. */
static int keep_record(Scan *s, long start, long end, const Walked *w) {
  int32_t off = (int32_t)s->nrecs;
  if (s->ntypes && pack_town_hall(s, start, end)) {
    int32_t len = (int32_t)(s->nrecs - (size_t)off);
    append(s, (const uint8_t *)",", 1);
    return push_item(s, 2, s->index, (int32_t)s->line, off, len, -1, -1);
  }
  if (s->error || s->fallback) return 0;
  /* At most the record itself, and the comma after it. */
  if (!reserve(s, (size_t)(end - start) + 1)) return 0;
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
    if (end < 0 || s->index == INT32_MAX) { s->fallback = 1; return; }
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
  if (napi_get_array_length(env, list, &count) != napi_ok) return NULL;
  Name *names = calloc(count ? count : 1, sizeof(Name));
  if (!names) return NULL;
  for (uint32_t k = 0; k < count; k++) {
    napi_value v;
    size_t len = 0;
    if (napi_get_element(env, list, k, &v) != napi_ok || napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) {
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
  napi_value out = NULL, v;
  if (napi_create_object(env, &out) != napi_ok) out = NULL;
  else if (s->error) {
    napi_create_int32(env, s->error, &v);
    napi_set_named_property(env, out, "errno", v);
  } else if (s->fallback) {
    napi_get_boolean(env, 1, &v);
    napi_set_named_property(env, out, "fallback", v);
  } else {
    napi_value ab, items, recs;
    void *data = NULL;
    size_t bytes = s->nitems * sizeof(int32_t);
    if (s->nitems && napi_create_external_arraybuffer(env, s->items, bytes, free_external, NULL, &ab) == napi_ok) s->items = NULL;
    else if (napi_create_arraybuffer(env, bytes, &data, &ab) != napi_ok) out = NULL;
    else if (bytes) memcpy(data, s->items, bytes);
    if (out && napi_create_typedarray(env, napi_int32_array, s->nitems, ab, 0, &items) != napi_ok) out = NULL;
    if (out && s->nrecs && napi_create_external_buffer(env, s->nrecs, s->recs, free_external, NULL, &recs) == napi_ok) s->recs = NULL;
    else if (out && napi_create_buffer_copy(env, s->nrecs, s->nrecs ? (const void *)s->recs : (const void *)"", &data, &recs) != napi_ok) out = NULL;
    if (out && (napi_set_named_property(env, out, "items", items) != napi_ok || napi_set_named_property(env, out, "records", recs) != napi_ok)) out = NULL;
  }
  free(s->items);
  free(s->recs);
  s->items = NULL;
  s->recs = NULL;
  return out;
}

/* scanBuffer(buffer, members, townHallTypes): the scan of bytes already read (the tests compare it with the JavaScript reader). */
static napi_value scan_buffer(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
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
  Name *types = argc > 2 ? names_of(env, argv[2], &s.ntypes) : NULL;
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) != napi_ok || pending) {
    free_names(names, s.nwanted);
    free_names(types, s.ntypes);
    return NULL;
  }
  s.wanted = names;
  s.types = types;
  run(&s);
  free_names(names, s.nwanted);
  free_names(types, s.ntypes);
  return result_of(env, &s);
}

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  char *path;
  Name *names;
  Name *types;
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
  napi_value out = result_of(env, &job->s);
  /* An answer that could not be made (memory) settles the promise all the same, with undefined:
   * the JavaScript reader then reads the file; a promise left pending would hang the command. */
  if (!out) {
    napi_value pending;
    napi_get_and_clear_last_exception(env, &pending);
    napi_get_undefined(env, &out);
  }
  napi_resolve_deferred(env, job->deferred, out);
  napi_delete_async_work(env, job->work);
  free_names(job->names, job->s.nwanted);
  free_names(job->types, job->s.ntypes);
  free(job->path);
  free(job);
}

/* scanFile(path, members, townHallTypes): a promise of the scan of the file, read and walked on a thread of libuv's pool. */
static napi_value scan_file(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
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
  job->types = argc > 2 ? names_of(env, argv[2], &job->s.ntypes) : NULL;
  job->s.types = job->types;
  napi_value promise = NULL, name;
  bool pending = false;
  int ok = napi_is_exception_pending(env, &pending) == napi_ok && !pending;
  if (ok && memchr(path, 0, n)) {
    napi_throw_type_error(env, NULL, "scanFile: chemin avec un octet nul");
    ok = 0;
  }
  ok = ok && napi_create_promise(env, &job->deferred, &promise) == napi_ok;
  ok = ok && napi_create_string_utf8(env, "relais-directory-scan", NAPI_AUTO_LENGTH, &name) == napi_ok;
  ok = ok && napi_create_async_work(env, NULL, name, file_execute, file_complete, job, &job->work) == napi_ok;
  if (ok && napi_queue_async_work(env, job->work) != napi_ok) {
    napi_delete_async_work(env, job->work);
    ok = 0;
  }
  if (!ok) {
    /* (a promise made before the failure is left pending; nothing else can go wrong here but a JavaScript exception) */
    free_names(job->names, job->s.nwanted);
    free_names(job->types, job->s.ntypes);
    free(job->path);
    free(job);
    return NULL;
  }
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
