'use strict';
// Limits from Apps Script's documentation, shared by the runtime's modules (see README.md for the sentences).

// Limits from Apps Script's documentation (Cache, Properties, URL Fetch, custom functions).
const LIMITS = Object.freeze({
  cacheValueBytes: 100 * 1024,      // "The maximum length of a value is 100KB"
  cacheKeyChars: 250,               // "The maximum length of a key is 250 characters"
  cacheMaxTtl: 21600,               // 6 hours
  cacheDefaultTtl: 600,             // put(key, value) without a time: 10 minutes
  cacheMaxItems: 1000,              // items per cache; the oldest go first
  propertyValueBytes: 9 * 1024,     // 9 KB per value
  propertyTotalBytes: 500 * 1024,   // 500 KB per store
  urlLength: 2 * 1024,              // URL Fetch URL length 2 KB
  fetchDeadlineMs: 60 * 1000,       // UrlFetchApp gives up after about a minute; no option changes it
  customFunctionMs: 30 * 1000,      // a custom function must return within 30 seconds
  cellChars: 50000                  // characters in one cell
});

/** An error as Apps Script's services throw it: an Exception with the service's message. */
function exception(message) {
  const e = new Error(message);
  e.name = 'Exception';
  return e;
}

function utf8Bytes(text) {
  return Buffer.byteLength(String(text), 'utf8');
}

module.exports = { LIMITS, exception, utf8Bytes };
