'use strict';
// PropertiesService and CacheService of the local Apps Script runtime (appsscript_runtime.js); the rules each
// follows are listed, with Google's sentence, in README.md.

const { LIMITS, exception, utf8Bytes } = require('./limits.js');

// ------------------------------------------------------------------------------------------------
// PropertiesService

class PropertyStore {
  constructor(name) {
    this.name = name;
    this.values = new Map();
    this.reads = 0;
    this.writes = 0;
  }
  _size(extra) {
    let total = 0;
    const all = new Map(this.values);
    Object.entries(extra || {}).forEach(([k, v]) => all.set(k, v));
    all.forEach((v, k) => { total += utf8Bytes(k) + utf8Bytes(v); });
    return total;
  }
  /** `mode` 'CUSTOM_FUNCTION': reads only (Google: "Spreadsheet editors can't set user properties in a custom function"). */
  api(mode) {
    const store = this;
    const refuse = (name) => { if (mode === 'CUSTOM_FUNCTION') throw exception('You do not have permission to call ' + name); };
    const check = (key, value) => {
      if (typeof key !== 'string' || !key) throw exception('Invalid argument: key');
      if (utf8Bytes(value) > LIMITS.propertyValueBytes) throw exception('Argument too large: value');
    };
    const props = {
      getProperty(key) { store.reads++; return store.values.has(key) ? store.values.get(key) : null; },
      getProperties() { store.reads++; return Object.fromEntries(store.values); },
      getKeys() { store.reads++; return Array.from(store.values.keys()); },
      setProperty(key, value) {
        refuse('setProperty');
        const text = String(value); check(key, text);
        if (store._size({ [key]: text }) > LIMITS.propertyTotalBytes) throw exception('You have exceeded the property storage quota.');
        store.writes++; store.values.set(key, text); return props;
      },
      setProperties(values, deleteAllOthers) {
        refuse('setProperties');
        const entries = Object.entries(values).map(([k, v]) => [k, String(v)]);
        entries.forEach(([k, v]) => check(k, v));
        if (deleteAllOthers) store.values.clear();
        if (store._size(Object.fromEntries(entries)) > LIMITS.propertyTotalBytes) throw exception('You have exceeded the property storage quota.');
        store.writes++; entries.forEach(([k, v]) => store.values.set(k, v)); return props;
      },
      deleteProperty(key) { refuse('deleteProperty'); store.writes++; store.values.delete(key); return props; },
      deleteAllProperties() { refuse('deleteAllProperties'); store.writes++; store.values.clear(); return props; }
    };
    return props;
  }
}

// ------------------------------------------------------------------------------------------------
// CacheService

class CacheStore {
  constructor(name, clock) {
    this.name = name;
    this.clock = clock;
    this.entries = new Map(); // key → {value, expires}
    this.gets = 0;
    this.puts = 0;
    this.calls = [];  // every call: {method, keys} (the tests count them)
  }
  _live(key) {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expires <= this.clock()) { this.entries.delete(key); return undefined; }
    return e.value;
  }
  _key(key) {
    if (typeof key !== 'string' || !key) throw exception('Invalid argument: key');
    if (key.length > LIMITS.cacheKeyChars) throw exception('Argument too large: key');
  }
  _put(key, value, ttl) {
    this._key(key);
    if (typeof value !== 'string') throw exception('The parameters (' + typeof value + ') don\'t match the method signature for Cache.put.');
    if (utf8Bytes(value) > LIMITS.cacheValueBytes) throw exception('Argument too large: value');
    const seconds = ttl === undefined ? LIMITS.cacheDefaultTtl : Number(ttl);
    if (!(seconds >= 1)) throw exception('Invalid argument: expirationInSeconds');
    if (seconds > LIMITS.cacheMaxTtl) throw exception('Argument too large: expirationInSeconds');
    this.entries.delete(key); // re-inserted last: Map order is our eviction order
    this.entries.set(key, { value, expires: this.clock() + seconds * 1000 });
    while (this.entries.size > LIMITS.cacheMaxItems) {
      this.entries.delete(this.entries.keys().next().value);
    }
  }
  /** Drops everything, as Google may at any time ("best effort" cache). */
  evictAll() { this.entries.clear(); }
  api() {
    const store = this;
    const cache = {
      get(key) { store.gets++; store.calls.push({ method: 'get', keys: 1 }); store._key(key); const v = store._live(key); return v === undefined ? null : v; },
      getAll(keys) {
        store.gets++;
        store.calls.push({ method: 'getAll', keys: keys.length });
        keys.forEach((k) => store._key(k));
        const out = {};
        keys.forEach((k) => { const v = store._live(k); if (v !== undefined) out[k] = v; });
        return out;
      },
      put(key, value, ttl) { store.puts++; store.calls.push({ method: 'put', keys: 1 }); store._put(key, value, ttl); },
      putAll(values, ttl) { store.puts++; store.calls.push({ method: 'putAll', keys: Object.keys(values).length }); Object.entries(values).forEach(([k, v]) => store._put(k, v, ttl)); },
      remove(key) { store.calls.push({ method: 'remove', keys: 1 }); store._key(key); store.entries.delete(key); },
      removeAll(keys) { store.calls.push({ method: 'removeAll', keys: keys.length }); keys.forEach((k) => { store._key(k); store.entries.delete(k); }); }
    };
    return cache;
  }
}

module.exports = { PropertyStore, CacheStore };
