/* ROI 助手 chat: asks POST /api/v1/ask with the page's signed session and shows the answer's HTML
   (rendered and escaped on the server by render.html). A button carries the question a Slack button
   carries (data-q); a chip or the text box carries typed text. No library. */
(function () {
  "use strict";
  var session = document.body.getAttribute("data-session") || "";
  var log = document.getElementById("roi-log");
  var form = document.getElementById("roi-form");
  var input = document.getElementById("roi-q");
  var send = document.getElementById("roi-send");
  var busy = false;

  function bubble(text) {
    var p = document.createElement("p");
    p.className = "roi-ask";
    p.textContent = text;
    log.appendChild(p);
    return p;
  }

  function notice(text, cls) {
    var div = document.createElement("div");
    div.className = "roi-answer " + (cls || "roi-error");
    div.setAttribute("role", "alert");
    var p = document.createElement("p");
    p.className = "roi-lead";
    p.textContent = text;
    div.appendChild(p);
    log.appendChild(div);
    return div;
  }

  function fragment(html) {
    var holder = document.createElement("div");
    holder.className = "roi-turn";
    holder.innerHTML = html;  // render.html output: every sheet string escaped on the server
    log.appendChild(holder);
    return holder;
  }

  function post(body) {
    return fetch("/api/v1/ask", {
      method: "POST",
      headers: {"Content-Type": "application/json", "X-ROI-Session": session},
      body: JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store"
    }).then(function (resp) {
      return resp.json().catch(function () { return {ok: false}; }).then(function (data) {
        return {status: resp.status, data: data, retry: resp.headers.get("Retry-After")};
      });
    });
  }

  function failure(r) {
    if (r.status === 401 || r.status === 403) return "页面链接已过期，请从表格的「ROI 助手」菜单或 Slack 重新打开。";
    if (r.status === 429) return "提问太频繁了，请 " + (r.retry || "几") + " 秒后再试。";
    return (r.data && r.data.error) || "出错了，请稍后再试。";
  }

  function ask(label, body, fallback) {
    if (busy) return;
    busy = true;
    send.disabled = true;
    var welcome = log.querySelector(".roi-welcome");
    if (welcome) welcome.remove();
    bubble(label);
    var wait = document.createElement("p");
    wait.className = "roi-wait";
    wait.textContent = "正在计算…";
    log.appendChild(wait);
    wait.scrollIntoView({block: "end"});
    post(body).then(function (r) {
      if (r.status === 400 && fallback) return post(fallback);  // a server that does not take buttons yet
      return r;
    }).then(function (r) {
      wait.remove();
      var shown;
      if (r.data && r.data.ok && r.data.html) shown = fragment(r.data.html);
      else if (r.data && r.data.html) shown = fragment(r.data.html);
      else shown = notice(failure(r));
      shown.scrollIntoView({block: "start", behavior: "smooth"});
    }).catch(function () {
      wait.remove();
      notice("连不上服务器，请检查网络后再试。");
    }).then(function () {
      busy = false;
      send.disabled = false;
    });
  }

  function askText(text) {
    text = (text || "").trim().replace(/^\/roi\s*/i, "");
    if (text) ask(text, {q: text});
  }

  function askButton(label, value) {
    ask(label, {button: value}, {q: label});
  }

  // report pages opened with a session: a button opens the chat and asks there
  if (!log || !form) {
    document.addEventListener("click", function (ev) {
      var btn = ev.target.closest("button[data-q]");
      if (!btn || !session) return;
      location.href = "/app?s=" + encodeURIComponent(session) + "#b=" + encodeURIComponent(btn.getAttribute("data-q"))
        + "&l=" + encodeURIComponent(btn.textContent);
    });
    return;
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = input.value;
    input.value = "";
    askText(text);
  });

  log.addEventListener("click", function (ev) {
    var chip = ev.target.closest("button[data-ask]");
    if (chip) { askText(chip.getAttribute("data-ask")); return; }
    var btn = ev.target.closest("button[data-q]");
    if (btn) askButton(btn.textContent, btn.getAttribute("data-q"));
  });

  log.addEventListener("change", function (ev) {
    var select = ev.target.closest("select.roi-select");
    if (!select) return;
    var option = select.options[select.selectedIndex];
    askButton(option.textContent, option.value);
  });

  // /app#b=<question>&l=<label>: a button clicked on a report page
  if (location.hash.indexOf("#b=") === 0) {
    var params = new URLSearchParams(location.hash.slice(1));
    history.replaceState(null, "", location.pathname + location.search);
    askButton(params.get("l") || "…", params.get("b"));
  }
})();
