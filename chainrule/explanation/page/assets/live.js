// The page as `chainrule explore` serves it: a formula and a point typed in are explained by
// the server (the engine, in Python), and a claimed derivative is checked by its mistake
// checker. The server's token travels in a header; bad input comes back as one line.
"use strict";
var CR = window.ChainruleExplorer;

CR.token = function () {
  return new URLSearchParams(location.search).get("token") || "";
};

CR.request = function (path, body) {
  return fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Chainrule-Token": CR.token() },
    body: JSON.stringify(body),
  }).then(function (response) {
    return response.json().then(function (answer) {
      return { ok: response.ok, answer: answer };
    });
  }, function () {
    return { ok: false, answer: { error: "the explorer's server does not answer: is `chainrule explore` still running?" } };
  });
};

CR.startLive = function (app, fragment) {
  CR.$("live-form").hidden = false;
  CR.$("check-panel").hidden = false;
  CR.$("formula").value = fragment.f || app.live.formula || "";
  CR.$("at").value = fragment.at || app.live.at || "";
  CR.$("wrt").value = fragment.wrt || "";
  CR.$("live-form").addEventListener("submit", function (event) {
    event.preventDefault();
    CR.explainTyped(app, { mode: app.mode || fragment.mode });
  });
  CR.$("check-form").addEventListener("submit", function (event) {
    event.preventDefault();
    CR.checkClaim();
  });
  if (CR.$("formula").value && CR.$("at").value) CR.explainTyped(app, fragment);
  else CR.$("formula").focus();
};

CR.explainTyped = function (app, fragment) {
  var error = CR.$("error");
  var asked = { formula: CR.$("formula").value, at: CR.$("at").value, wrt: CR.$("wrt").value };
  document.body.setAttribute("data-busy", "true");
  return CR.request("api/explain", asked).then(function (reply) {
    document.body.removeAttribute("data-busy");
    error.hidden = reply.ok;
    if (!reply.ok) {
      error.textContent = reply.answer.error;
      return;
    }
    app.wrt = asked.wrt;
    CR.showPayload(app, reply.answer, fragment || {});
    if (!CR.$("check-wrt").value) CR.$("check-wrt").value = reply.answer.explanation.inputs[0].name;
  });
};

CR.checkClaim = function () {
  var verdict = CR.$("verdict");
  var asked = { formula: CR.$("formula").value, claim: CR.$("claim").value,
    wrt: CR.$("check-wrt").value || "x" };
  return CR.request("api/check", asked).then(function (reply) {
    verdict.className = "verdict " + (!reply.ok ? "bad" : reply.answer.correct ? "right" : "wrong");
    verdict.textContent = reply.ok ? reply.answer.message : "cannot check: " + reply.answer.error;
  });
};
