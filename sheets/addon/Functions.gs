/**
 * @OnlyCurrentDoc
 *
 * Custom functions: =ROI, =ROAS, =CAC, =ROI_CHANNEL, =ATTRIBUTED, =ROI_ASK.
 *
 * Sheets runs every formula cell as its own execution and recalculates a custom function only when its
 * arguments change. So every function takes a last, optional argument `refresh`: the sheet's named range
 * ROI_刷新, which the add-on changes (menu 刷新数据, the hourly trigger, after 连接设置 and 生成上月月报), e.g.
 * =ROI("618活动",,, ROI_刷新); a new value makes Sheets run the cell again and misses the cached figures.
 * The figures come from one GET /api/v1/snapshot per period, shared through the document cache (Cache.gs).
 * An error is thrown (the cell shows #ERROR! and our Chinese line as its note); inside a range's results,
 * an error about one row (a campaign not found) is that row's "#ROI: …" text.
 */

/** A cell holds at most 50,000 characters. */
var ROI_CELL_MAX_CHARS = 50000;

// People write the same festival in digits or in Chinese numerals (as the bot's match_key does).
var ROI_NUMERAL_ALIASES_ = [['双十一', '双11'], ['双十二', '双12'], ['六一八', '618'], ['三八', '38'],
  ['五一', '51'], ['十一', '11']];

// The attribution models the bot knows, with the Chinese and English spellings people type.
var ROI_MODEL_ALIASES_ = {
  first: ['first', 'first_touch', 'first_click', '首次触点', '首次', '首触'],
  last: ['last', 'last_touch', 'last_click', '末次触点', '末次', '末触', '最后触点'],
  last_non_direct: ['last_non_direct', 'lnd', '末次非直接', '末次非直接触点'],
  linear: ['linear', '线性', '线性归因', '平均'],
  time_decay: ['time_decay', 'time-decay', 'decay', '时间衰减', '衰减'],
  position: ['position', 'position_based', 'u_shaped', 'u型', 'u形', '位置', '位置(u型)', '位置归因'],
  markov: ['markov', 'markov_chain', '马尔可夫', '马尔科夫', '马尔可夫链'],
  shapley: ['shapley', 'shapley_value', '沙普利', '夏普利', '沙普利值']
};

var ROI_METRIC_LABELS_ = { roi: 'ROI', roas: '投产比(ROAS)', cac: '获客成本(CAC)' };

/**
 * The campaign's ROI: (收益 − 总成本) / 总成本, as a number (1.1 = 110%).
 *
 * @param {string|Array<Array<string>>} campaign 活动名称, or a range of names (one result per name).
 * @param {string=} channel 渠道 (optional): only this campaign's figures on this channel.
 * @param {string=} period 时间 (optional), e.g. "2026-10", "上个月", "Q3"; empty = all dates.
 * @param {*=} refresh 刷新 (optional): ROI_刷新 — a new value fetches new figures.
 * @return {number|string} the ROI; in a range, a row that has none says "#ROI: …" why
 * @customfunction
 */
function ROI(campaign, channel, period, refresh) {
  return roiCampaignMetric_('roi', campaign, channel, period, refresh);
}

/**
 * The campaign's 投产比 (ROAS): 销售额 / 总成本.
 *
 * @param {string|Array<Array<string>>} campaign 活动名称, or a range of names.
 * @param {string=} channel 渠道 (optional).
 * @param {string=} period 时间 (optional), e.g. "2026-10", "上个月".
 * @param {*=} refresh 刷新 (optional): ROI_刷新 — a new value fetches new figures.
 * @return {number|string} the ROAS (an error says why there is none)
 * @customfunction
 */
function ROAS(campaign, channel, period, refresh) {
  return roiCampaignMetric_('roas', campaign, channel, period, refresh);
}

/**
 * The campaign's 获客成本 (CAC): 总成本 / 新客户数, in the sheet's currency.
 *
 * @param {string|Array<Array<string>>} campaign 活动名称, or a range of names.
 * @param {string=} channel 渠道 (optional).
 * @param {string=} period 时间 (optional), e.g. "2026-10", "上个月".
 * @param {*=} refresh 刷新 (optional): ROI_刷新 — a new value fetches new figures.
 * @return {number|string} the CAC (an error says why there is none)
 * @customfunction
 */
function CAC(campaign, channel, period, refresh) {
  return roiCampaignMetric_('cac', campaign, channel, period, refresh);
}

/**
 * A channel's ROI over every campaign on it.
 *
 * @param {string|Array<Array<string>>} channel 渠道, or a range of channels.
 * @param {string=} period 时间 (optional), e.g. "2026-10", "上个月".
 * @param {*=} refresh 刷新 (optional): ROI_刷新 — a new value fetches new figures.
 * @return {number|string} the ROI (an error says why there is none)
 * @customfunction
 */
function ROI_CHANNEL(channel, period, refresh) {
  return roiMap_([channel, period], function (ch, per) {
    var snapshot = roiSnapshot_(per, refresh);
    var name = roiMatchChannel_(ch, snapshot.channels || {});
    return roiNumber_(snapshot.channels[name], 'roi', '渠道「' + name + '」');
  });
}

/**
 * The revenue a multi-touch attribution model gives a channel (触点 tab).
 *
 * @param {string|Array<Array<string>>} channel 渠道, or a range of channels.
 * @param {string=} model 模型 (optional): 马尔可夫 markov, 沙普利 shapley, 首次触点 first, 末次触点 last,
 *     线性 linear, 时间衰减 time_decay, 位置 position; default: the sheet's 设置 归因模型.
 * @param {string=} period 时间 (optional).
 * @param {*=} refresh 刷新 (optional): ROI_刷新 — a new value fetches new figures.
 * @return {number|string} the attributed revenue (an error says why there is none)
 * @customfunction
 */
function ATTRIBUTED(channel, model, period, refresh) {
  return roiMap_([channel, model, period], function (ch, mod, per) {
    var snapshot = roiSnapshot_(per, refresh);
    var models = snapshot.attributed || {};
    var refused = snapshot.attributed_unavailable || {};
    var key = roiResolveModel_(mod, snapshot.default_model, models, refused);
    var byChannel = models[key] || {};
    var name = roiMatchChannel_(ch, byChannel);
    var value = byChannel[name];
    if (typeof value !== 'number' || !isFinite(value)) {
      throw new RoiError_('渠道「' + name + '」在「' + key + '」模型下没有归因收益', 0);
    }
    return value;
  });
}

/**
 * Asks ROI 助手 anything, like /roi in Slack, and returns the answer as text.
 *
 * @param {string} question e.g. "618活动", "渠道 2026-10", "哪个渠道最好".
 * @param {*=} refresh 刷新 (optional): ROI_刷新 — a new value fetches new figures.
 * @return {string} the answer's text (an error says why there is none)
 * @customfunction
 */
function ROI_ASK(question, refresh) {
  return roiMap_([question], function (q) {
    var text = roiAskText_(String(q), refresh);
    return text.length > ROI_CELL_MAX_CHARS ? text.slice(0, ROI_CELL_MAX_CHARS - 1) + '…' : text;
  });
}

// ---------------------------------------------------------------------------------------------
// One figure of a campaign (optionally on one channel).

function roiCampaignMetric_(metric, campaign, channel, period, refresh) {
  return roiMap_([campaign, channel, period], function (name, ch, per) {
    var snapshot = roiSnapshot_(per, refresh);
    var campaigns = snapshot.campaigns || {};
    var found = roiMatchCampaign_(name, campaigns, snapshot.aliases || {});
    var entry = campaigns[found];
    if (ch !== '') {
      var channels = entry.channels || {};
      var chName = roiMatchChannelIn_(ch, channels);
      if (chName === null) {
        throw new RoiError_('活动「' + found + '」在「' + String(ch) + '」渠道没有数据' +
          roiChoices_('有数据的渠道', Object.keys(channels)), 0);
      }
      return roiNumber_(channels[chName], metric, '活动「' + found + '」' + chName + '渠道');
    }
    return roiNumber_(entry, metric, '活动「' + found + '」');
  });
}

/** entry[metric] when it is a finite number, else a RoiError_ naming the figure and the reason. */
function roiNumber_(entry, metric, what) {
  var value = entry ? entry[metric] : undefined;
  if (typeof value === 'number' && isFinite(value)) {
    return value;
  }
  var reasons = entry && (entry.reasons || entry.unavailable) || {};
  var reason = reasons[metric] ? '（' + reasons[metric] + '）' : '';
  throw new RoiError_(what + '的' + (ROI_METRIC_LABELS_[metric] || metric) + '无法计算' + reason, 0);
}

// ---------------------------------------------------------------------------------------------
// Arguments: a single value, or a range (2-D array) giving one result per cell, as a column.

/**
 * Calls `compute` on each set of arguments. A single cell returns its result or throws (Sheets shows #ERROR!
 * with our line). A range argument gives one row per cell (read row by row), returned as a column; scalar
 * arguments repeat along it; an empty row stays empty; a row whose own figure fails says "#ROI: …", and a
 * failure of the whole call (no connection, no answer, out of time) is thrown. Omitted arguments are ''.
 */
function roiMap_(args, compute) {
  roiStartCall_();
  var lists = args.map(roiFlatten_);
  var isRange = args.some(function (a) { return Array.isArray(a); });
  if (!isRange) {
    var single = lists.map(function (l) { return l[0]; });
    try {
      if (single[0] === '') {
        throw new RoiError_('第一个参数是空的', 0);
      }
      return compute.apply(null, single);
    } catch (e) {
      throw new Error(roiErrorMessage_(e));
    }
  }
  var length = Math.max.apply(null, lists.map(function (l) { return l.length; }));
  var out = [];
  for (var i = 0; i < length; i++) {
    var values = lists.map(function (l) { return l.length === 1 ? l[0] : (i < l.length ? l[i] : ''); });
    if (values[0] === '') {
      out.push(['']); // an empty row of the range stays empty
      continue;
    }
    try {
      out.push([compute.apply(null, values)]);
    } catch (e) {
      if (!(e instanceof RoiError_) || e.fatal) {
        throw new Error(roiErrorMessage_(e));
      }
      out.push([ROI_ERROR_PREFIX + e.message]);
    }
  }
  return out;
}

/** undefined/null → [''], a 2-D array → its cells row by row, a Date → "yyyy-MM", else the value. */
function roiFlatten_(value) {
  if (Array.isArray(value)) {
    var flat = [];
    value.forEach(function (row) {
      (Array.isArray(row) ? row : [row]).forEach(function (cell) { flat.push(roiArg_(cell)); });
    });
    return flat.length ? flat : [''];
  }
  return [roiArg_(value)];
}

function roiArg_(value) {
  if (value === undefined || value === null) {
    return '';
  }
  if (Object.prototype.toString.call(value) === '[object Date]') {
    // A date cell as the period means its month, in the spreadsheet's time zone.
    var tz = SpreadsheetApp.getActiveSpreadsheet().getSpreadsheetTimeZone();
    return Utilities.formatDate(value, tz, 'yyyy-MM');
  }
  return typeof value === 'string' ? value.trim() : value;
}

// ---------------------------------------------------------------------------------------------
// Matching names like the bot: exact, the snapshot's aliases, then NFKC/case/space-insensitive,
// then a name containing what was typed when only one does.

/** The form names are compared in: NFKC, lower case, no spaces, festival numerals as digits. */
function roiKey_(name) {
  var key = String(name).normalize('NFKC').trim().toLowerCase().replace(/\s+/g, '');
  ROI_NUMERAL_ALIASES_.forEach(function (pair) { key = key.split(pair[0]).join(pair[1]); });
  return key;
}

function roiMatchCampaign_(typed, campaigns, aliases) {
  var text = String(typed);
  if (Object.prototype.hasOwnProperty.call(campaigns, text)) {
    return text;
  }
  if (Object.prototype.hasOwnProperty.call(aliases, text) &&
      Object.prototype.hasOwnProperty.call(campaigns, aliases[text])) {
    return aliases[text];
  }
  var names = Object.keys(campaigns);
  var key = roiKey_(text);
  var aliasKeys = Object.keys(aliases).filter(function (a) { return roiKey_(a) === key; });
  if (aliasKeys.length && Object.prototype.hasOwnProperty.call(campaigns, aliases[aliasKeys[0]])) {
    return aliases[aliasKeys[0]];
  }
  var same = names.filter(function (n) { return roiKey_(n) === key; });
  if (same.length) {
    return same[0];
  }
  var containing = key ? names.filter(function (n) { return roiKey_(n).indexOf(key) >= 0; }) : [];
  if (containing.length === 1) {
    return containing[0];
  }
  if (containing.length > 1) {
    throw new RoiError_('「' + text + '」对应多个活动' + roiChoices_('请写全名', containing), 0);
  }
  throw new RoiError_('没有找到活动「' + text + '」' + roiChoices_('现有活动', roiClosest_(key, names)), 0);
}

/** The channel name in `table` (an object keyed by channel) typed as `typed`, or null. */
function roiMatchChannelIn_(typed, table) {
  var text = String(typed);
  if (Object.prototype.hasOwnProperty.call(table, text)) {
    return text;
  }
  var key = roiKey_(text);
  var names = Object.keys(table).filter(function (n) { return roiKey_(n) === key; });
  return names.length ? names[0] : null;
}

function roiMatchChannel_(typed, table) {
  var name = roiMatchChannelIn_(typed, table);
  if (name === null) {
    throw new RoiError_('没有找到渠道「' + String(typed) + '」' + roiChoices_('现有渠道', Object.keys(table)), 0);
  }
  return name;
}

function roiResolveModel_(typed, defaultModel, models, refused) {
  refused = refused || {};
  if (typed === '' || typed === undefined) {
    typed = defaultModel || Object.keys(models)[0] || '';
  }
  var key = roiKey_(typed);
  var found = null;
  Object.keys(ROI_MODEL_ALIASES_).forEach(function (model) {
    if (found === null && ROI_MODEL_ALIASES_[model].some(function (w) { return roiKey_(w) === key; })) {
      found = model;
    }
  });
  if (found === null && Object.prototype.hasOwnProperty.call(models, typed)) {
    found = typed;
  }
  if (found !== null && Object.prototype.hasOwnProperty.call(refused, found)) {
    throw new RoiError_('「' + found + '」模型算不出归因：' + refused[found], 0);
  }
  if (found === null || !Object.prototype.hasOwnProperty.call(models, found)) {
    if (!Object.keys(models).length) {
      throw new RoiError_('没有归因结果：「触点」标签页没有可用的转化路径', 0);
    }
    throw new RoiError_('不认识的归因模型「' + String(typed) + '」' + roiChoices_('可选', Object.keys(models)), 0);
  }
  return found;
}

/** Names sharing the most characters with the key, best first (a hint, not a match). */
function roiClosest_(key, names) {
  var scored = names.map(function (n) {
    var k = roiKey_(n);
    var common = 0;
    for (var i = 0; i < key.length; i++) {
      if (k.indexOf(key.charAt(i)) >= 0) {
        common++;
      }
    }
    return { name: n, score: common / Math.max(key.length, k.length, 1) };
  }).filter(function (s) { return s.score > 0; });
  scored.sort(function (a, b) { return b.score - a.score || (a.name < b.name ? -1 : 1); });
  return scored.slice(0, 3).map(function (s) { return s.name; });
}

function roiChoices_(label, names) {
  if (!names || !names.length) {
    return '';
  }
  var shown = names.slice(0, 5).map(function (n) { return '「' + n + '」'; }).join('、');
  return '（' + label + '：' + shown + (names.length > 5 ? ' 等 ' + names.length + ' 个' : '') + '）';
}
