/**
 * @OnlyCurrentDoc
 *
 * The figures the custom functions read: ONE GET /api/v1/snapshot?period=… per period (and one
 * POST /api/v1/ask per question), kept a few minutes in the document cache and shared by every cell.
 *
 * Within Google's limits:
 * - every cache key is "roi:v2:" + the SHA-256 (Utilities.computeDigest) of what it stands for, so a key is
 *   71 characters whatever the question (the limit is 250; a 500-character question once failed at put);
 * - one getAll per period reads the head and the first chunks together; what one execution read is kept for
 *   the rest of that execution, so =ROI(A2:A401) reads the cache once, not once per row;
 * - when the cache misses, the first cell takes the document lock (waiting at most 8 s, and never past the
 *   call's fetch budget), reads the cache again (another cell may have filled it meanwhile), and only then
 *   asks the server.
 * The key includes the server address and token (hashed), and the cell's `refresh` value: a new ROI_刷新 value
 * misses the cache, which is how 刷新数据 and the hourly trigger bring new figures.
 */

var ROI_SNAPSHOT_TTL = 300;       // seconds a snapshot stays cached
var ROI_FAILURE_TTL = 20;         // seconds a failed answer is remembered, so 200 cells make one failing call
var ROI_CHUNK_CHARS = 30000;      // 30,000 UTF-16 units are at most 90,000 UTF-8 bytes: under 100 KB a value
var ROI_CHUNKS_READ = 8;          // chunks read in the same getAll as the head (240,000 characters)
var ROI_LOCK_WAIT_MS = 8000;      // under 10 s: a cell's 30 s must hold the wait and the request
var ROI_CACHE_PREFIX = 'roi:v2:';

var ROI_MEMO_ = {};               // this execution's reads (globals are new in every execution)

var ROI_KEY_SETTINGS_ = null;     // the connection, read once per execution (400 rows: one property read)
var ROI_KEY_MEMO_ = {};           // text → key, so 400 rows of one period hash once

/** A cache key: the prefix and the hex SHA-256 of the connection and `parts` (71 characters). */
function roiCacheKey_(parts) {
  if (ROI_KEY_SETTINGS_ === null) {
    ROI_KEY_SETTINGS_ = roiSettings_();
  }
  var text = JSON.stringify([ROI_KEY_SETTINGS_.url || '', ROI_KEY_SETTINGS_.token || ''].concat(parts));
  if (Object.prototype.hasOwnProperty.call(ROI_KEY_MEMO_, text)) {
    return ROI_KEY_MEMO_[text];
  }
  var bytes = Utilities.computeDigest(Utilities.DigestAlgorithm.SHA_256, text, Utilities.Charset.UTF_8);
  var hex = '';
  for (var i = 0; i < bytes.length; i++) {
    var b = (bytes[i] + 256) % 256;
    hex += (b < 16 ? '0' : '') + b.toString(16);
  }
  ROI_KEY_MEMO_[text] = ROI_CACHE_PREFIX + hex;
  return ROI_KEY_MEMO_[text];
}

/** After 连接设置 saves a new connection in this execution: keys are made from the new one. */
function roiForgetKeySettings_() {
  ROI_KEY_SETTINGS_ = null;
  ROI_KEY_MEMO_ = {};
}

/** The `refresh` argument as text: '' when omitted; a date cell as its time. */
function roiRefreshKey_(refresh) {
  if (refresh === undefined || refresh === null || refresh === '') {
    return '';
  }
  if (Object.prototype.toString.call(refresh) === '[object Date]') {
    return 'd' + refresh.getTime();
  }
  return Array.isArray(refresh) ? JSON.stringify(refresh) : String(refresh);
}

/** The snapshot for `period`, from this execution, the cache, or ONE GET /api/v1/snapshot. */
function roiSnapshot_(period, refresh) {
  var p = period === undefined || period === null ? '' : String(period);
  var query = p === '' ? '' : '?period=' + encodeURIComponent(p);
  return roiCached_(['snap', roiKey_(p), roiRefreshKey_(refresh)], function () {
    return roiRequest_('get', '/api/v1/snapshot' + query);
  });
}

/** The text answer of POST /api/v1/ask for `question`, cached like a snapshot. */
function roiAskText_(question, refresh) {
  var answer = roiCached_(['ask', String(question), roiRefreshKey_(refresh)], function () {
    var data = roiRequest_('post', '/api/v1/ask', { q: String(question) });
    return { text: String(data.text || '').replace(/\s+$/, '') };
  });
  return answer.text;
}

/**
 * What `ask()` returns, read once per execution and shared through the document cache. A failure the server
 * gave (wrong token, refused question) is remembered ROI_FAILURE_TTL seconds under the same key.
 */
function roiCached_(parts, ask) {
  var key = roiCacheKey_(parts);
  if (Object.prototype.hasOwnProperty.call(ROI_MEMO_, key)) {
    return roiFromMemo_(key);
  }
  var cache = CacheService.getDocumentCache();
  var hit = roiCacheRead_(cache, key);
  if (hit !== null) {
    return roiRemember_(key, hit);
  }
  var lock = LockService.getDocumentLock();
  var wait = Math.min(ROI_LOCK_WAIT_MS, Math.max(0, roiBudgetLeft_() - 2000));
  var locked = false;
  try {
    locked = lock && wait > 0 ? lock.tryLock(wait) : false; // no document lock outside a bound script
    // read again in every case: whoever held the lock may have filled the cache while we waited
    hit = roiCacheRead_(cache, key);
    if (hit !== null) {
      return roiRemember_(key, hit);
    }
    var value;
    try {
      value = ask();
    } catch (e) {
      if (e instanceof RoiError_ && e.remembered) {
        cache.put(key, '!' + roiErrorMessage_(e).slice(0, 2000) + '\u0000' + (e.fatal ? 'f' : ''), ROI_FAILURE_TTL);
      }
      ROI_MEMO_[key] = { error: e };
      throw e;
    }
    roiCacheWrite_(cache, key, value);
    return roiRemember_(key, value);
  } finally {
    if (locked) {
      lock.releaseLock();
    }
  }
}

function roiRemember_(key, value) {
  if (value instanceof RoiError_) {
    ROI_MEMO_[key] = { error: value };
    throw value;
  }
  ROI_MEMO_[key] = { value: value };
  return value;
}

function roiFromMemo_(key) {
  if (ROI_MEMO_[key].error) {
    throw ROI_MEMO_[key].error;
  }
  return ROI_MEMO_[key].value;
}

/**
 * The cached value under `key`: the parsed JSON, a RoiError_ for a remembered failure, or null when absent or
 * incomplete. One getAll reads the head and the first ROI_CHUNKS_READ chunks.
 */
function roiCacheRead_(cache, key) {
  var names = [key];
  for (var i = 0; i < ROI_CHUNKS_READ; i++) {
    names.push(key + ':' + i);
  }
  var got = cache.getAll(names);
  var head = got[key];
  if (head === undefined || head === null) {
    return null;
  }
  if (head.charAt(0) === '!') {
    var parts = head.slice(1).split('\u0000');
    var remembered = new RoiError_(parts[0], 0);
    remembered.fatal = parts[1] === 'f';
    return remembered;
  }
  var count = parseInt(head, 10);
  if (!(count > 0)) {
    return null;
  }
  if (count > ROI_CHUNKS_READ) {
    var more = [];
    for (var j = ROI_CHUNKS_READ; j < count; j++) {
      more.push(key + ':' + j);
    }
    var rest = cache.getAll(more);
    Object.keys(rest).forEach(function (k) { got[k] = rest[k]; });
  }
  var text = '';
  for (var n = 0; n < count; n++) {
    var part = got[key + ':' + n];
    if (part === undefined || part === null) {
      return null; // a chunk was evicted: ask again
    }
    text += part;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    return null;
  }
}

/** Writes `value` as JSON in chunks of at most ROI_CHUNK_CHARS, the head (the count) in the same putAll. */
function roiCacheWrite_(cache, key, value) {
  var text = JSON.stringify(value);
  var values = {};
  var count = 0;
  for (var start = 0; start < text.length; count++) {
    var end = Math.min(start + ROI_CHUNK_CHARS, text.length);
    var last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xD800 && last <= 0xDBFF) {
      end -= 1; // never split a surrogate pair across two chunks
    }
    values[key + ':' + count] = text.slice(start, end);
    start = end;
  }
  values[key] = String(count);
  cache.putAll(values, ROI_SNAPSHOT_TTL);
}
