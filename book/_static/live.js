// "Run live": the code cells of a chapter become editable cells that run on a Jupyter kernel.
//
// The kernel is the one of `make live` (tools/live.py: a Jupyter server on 127.0.0.1 that also
// serves the book; its token comes in the address, ?token=..., and is kept for the session), or,
// when the book is published with a repository (`repository.url`), one started by Binder from
// the repository at the build's commit. Thebe is served from the book (_static/thebe/), like
// MathJax: nothing is loaded from a CDN. Without a token and without a repository the page stays
// static and shows no button.
(() => {
  const TOKEN_KEY = "dlmath-live-token";
  const params = new URLSearchParams(window.location.search);
  if (params.has("token")) {
    window.sessionStorage.setItem(TOKEN_KEY, params.get("token"));
  }
  const token = window.sessionStorage.getItem(TOKEN_KEY);

  function pageConfig() {
    const el = document.getElementById("dlmath-live-config");
    return el ? JSON.parse(el.textContent) : {};
  }

  function staticRoot() {
    const root = document.documentElement.dataset.content_root || "";
    return root + "_static/";
  }

  function load(tag, attrs) {
    return new Promise((resolve, reject) => {
      const el = document.createElement(tag);
      Object.assign(el, attrs);
      el.onload = resolve;
      el.onerror = () => reject(new Error(`cannot load ${attrs.src || attrs.href}`));
      document.head.appendChild(el);
    });
  }

  // Thebe pairs the n-th executable block with the n-th output placeholder: give every cell one.
  function markCells() {
    for (const cell of document.querySelectorAll("div.cell")) {
      const input = cell.querySelector(".cell_input pre");
      if (!input) continue;
      input.setAttribute("data-executable", "true");
      input.setAttribute("data-language", "python");
      let output = cell.querySelector(":scope > .cell_output");
      if (!output) {
        output = document.createElement("div");
        output.className = "cell_output docutils container";
        cell.appendChild(output);
      }
      output.setAttribute("data-output", "true");
    }
  }

  // Thebe's widget manager fetches RequireJS from a CDN before it draws the first widget: serve
  // it from the book instead (vendored beside Thebe at set-up, see the Makefile).
  const REQUIREJS_CDN = "https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.6/require.min.js";
  function serveRequireJsLocally() {
    const fetchOnline = window.fetch.bind(window);
    window.fetch = (input, init) => {
      const url = typeof input === "string" ? input : input && input.url;
      return url === REQUIREJS_CDN ? fetchOnline(staticRoot() + "thebe/require.js", init) : fetchOnline(input, init);
    };
  }

  async function start(button, config) {
    button.disabled = true;
    const status = document.getElementById("dlmath-live-status");
    status.textContent = "starting a kernel ...";
    try {
      await load("link", { rel: "stylesheet", href: staticRoot() + "thebe/thebe.css" });
      serveRequireJsLocally();
      await load("script", { src: staticRoot() + "thebe/index.js" });
      markCells();
      const options = {
        requestKernel: true,
        useJupyterLite: false,
        mountActivateWidget: false,
        mountStatusWidget: false,
        predefinedOutput: true,
        mathjaxUrl: "",
        selector: "[data-executable]",
        outputSelector: "[data-output]",
        kernelOptions: { kernelName: "python3", path: "." },
      };
      if (token !== null) {
        const origin = window.location.origin;
        options.useBinder = false;
        options.serverSettings = {
          baseUrl: origin + "/",
          wsUrl: origin.replace(/^http/, "ws") + "/",
          token: token,
          appendToken: true,
        };
      } else {
        options.useBinder = true;
        options.binderOptions = config.binder;
      }
      window.thebe.on("status", (_evt, data) => {
        if (data && data.message) status.textContent = data.message;
      });
      const { session } = await window.thebe.bootstrap(options);
      if (!session) throw new Error("no kernel session");
      document.documentElement.dataset.dlmathLive = "ready";
      status.textContent = "live: edit a cell and press run (run all for the chapter's set-up first)";
    } catch (err) {
      document.documentElement.dataset.dlmathLive = "failed";
      status.textContent = `could not start a kernel: ${err.message || err}`;
      button.disabled = false;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const config = pageConfig();
    const firstCell = document.querySelector("div.cell");
    if (!firstCell || (token === null && !config.binder)) return;
    const bar = document.createElement("div");
    bar.className = "dlmath-live";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-sm dlmath-live-button";
    button.textContent = "\u25B6 Run live";
    button.title =
      token !== null ? "Run this chapter's cells on the local kernel of `make live`" : "Run this chapter's cells on Binder";
    const status = document.createElement("span");
    status.id = "dlmath-live-status";
    status.className = "dlmath-live-status";
    bar.append(button, status);
    const title = document.querySelector(".bd-article h1");
    (title || firstCell).insertAdjacentElement(title ? "afterend" : "beforebegin", bar);
    button.addEventListener("click", () => start(button, config));
  });
})();
