// The part of an Action's world the mock tenant writes in JavaScript: `api`, `console` and
// `require` as Auth0 gives them, and the driver that runs one Action's handler. Everything an
// Action asks for is written down in `out` and read by Rust as JSON once the handler settles;
// nothing here can reach the tenant itself.
"use strict";
// Logs go here until a run takes them: a module's own logs at load reach its first run.
let logs = [];
const show = (value) => {
  if (typeof value === "string") return value;
  if (value instanceof Error) return value.stack ? `${value}\n${value.stack}` : String(value);
  try {
    const json = JSON.stringify(value);
    return json === undefined ? String(value) : json;
  } catch (_) {
    return String(value);
  }
};
const log = (...args) => {
  logs.push(args.map(show).join(" "));
};
const console = { log, info: log, warn: log, error: log, debug: log, trace: log };

// Evaluates the Action's module once (its `exports`, as CommonJS has them); its state then lives
// on between runs, as in Auth0's reused containers.
globalThis.__mockLoad = function (define) {
  const module = { exports: {} };
  const require = (name) => {
    throw new Error(
      `Cannot find module '${name}': the mock tenant runs Actions without npm dependencies`,
    );
  };
  define(module.exports, module, require, console);
  globalThis.__mockExports = module.exports;
};

// One run of the loaded Action's handler for `trigger` on `eventJson`: what it asked for, as
// JSON, once its promise settles.
globalThis.__mockRun = function (eventJson, trigger, exportName) {
  const event = JSON.parse(eventJson);
  const out = {
    id_token_claims: {},
    access_token_claims: {},
    add_scopes: [],
    remove_scopes: [],
    deny: null,
    user_id: null,
    reject_subject_token: null,
    app_metadata: {},
    user_metadata: {},
    logs: [],
    error: null,
  };
  const text = (value, what) => {
    if (typeof value !== "string" || value === "") {
      throw new TypeError(`${what} must be a non-empty string`);
    }
    return value;
  };
  const claimValue = (value) => (value === undefined ? null : JSON.parse(JSON.stringify(value)));
  const api = {};
  // Auth0 refuses `scope` at the call; other restricted names are dropped later, silently.
  const setter = (into) =>
    function setCustomClaim(name, value) {
      if (name === "scope") throw new Error('The "scope" claim cannot be set.');
      into[text(name, "The claim name")] = claimValue(value);
      return api;
    };
  // Auth0's checks of a scope to add or remove; both return nothing.
  const scopeOf = (scope) => {
    if (typeof scope !== "string") throw new TypeError("The value for the scope must be a string.");
    const trimmed = scope.trim();
    if (trimmed === "") throw new Error("The value for the scope is required.");
    if (trimmed.length > 280) {
      throw new Error("The value for the scope exceeds the allowed maximum of 280 characters.");
    }
    if (/\s/.test(trimmed)) throw new Error("The value for the scope must not have whitespace.");
    return trimmed;
  };
  const denyWithCode = (codes) =>
    function deny(code, reason) {
      if (typeof code !== "string" || code === "" || code.length > 1024) {
        throw new TypeError("The error code must be a string of 1 to 1024 characters.");
      }
      if (codes && !codes.includes(code)) {
        throw new TypeError(`The error code must be one of ${codes.join(", ")}.`);
      }
      out.deny = { code, reason: reason === undefined ? "" : String(reason) };
      return api;
    };
  if (trigger === "post-login") {
    api.idToken = { setCustomClaim: setter(out.id_token_claims) };
    api.accessToken = {
      setCustomClaim: setter(out.access_token_claims),
      addScope(scope) {
        out.add_scopes.push(scopeOf(scope));
      },
      removeScope(scope) {
        out.remove_scopes.push(scopeOf(scope));
      },
    };
    api.access = {
      deny(reason) {
        out.deny = { code: "access_denied", reason: reason === undefined ? "" : String(reason) };
        return api;
      },
    };
    // Saved on the user when the flow ends (even after a deny, as Auth0 keeps side effects);
    // `null` or `undefined` removes the key. The event's user shows them to later Actions.
    const metadata = (into, seen) =>
      function (name, value) {
        const key = text(name, "The metadata key");
        into[key] = value === undefined ? null : claimValue(value);
        if (into[key] === null) delete seen[key];
        else seen[key] = into[key];
        return api;
      };
    event.user = event.user || {};
    event.user.app_metadata = event.user.app_metadata || {};
    event.user.user_metadata = event.user.user_metadata || {};
    api.user = {
      setAppMetadata: metadata(out.app_metadata, event.user.app_metadata),
      setUserMetadata: metadata(out.user_metadata, event.user.user_metadata),
    };
  } else if (trigger === "credentials-exchange") {
    api.accessToken = { setCustomClaim: setter(out.access_token_claims) };
    api.access = { deny: denyWithCode(["invalid_scope", "invalid_request", "server_error"]) };
  } else if (trigger === "custom-token-exchange") {
    // No token claims here: Auth0 runs the post-login Actions next, and those set them.
    api.authentication = {
      setUserById(userId) {
        out.user_id = text(userId, "The user id");
      },
    };
    api.access = {
      deny: denyWithCode(null),
      rejectInvalidSubjectToken(reason) {
        out.reject_subject_token = reason === undefined ? "" : String(reason);
      },
    };
  }
  // A thrown error is written down with the logs before it; a timeout or running out of memory
  // cannot be caught, and Rust reports those itself.
  const finish = () => {
    out.logs = logs;
    logs = [];
    return JSON.stringify(out);
  };
  const failed = (e) => {
    // QuickJS throws null when it cannot even build its out-of-memory error.
    if (e === null) e = new InternalError("out of memory");
    out.error = {
      message: e instanceof Error ? `${e.name}: ${e.message}` : show(e),
      stack: e instanceof Error && e.stack ? String(e.stack) : null,
    };
    return finish();
  };
  const handler = globalThis.__mockExports[exportName];
  if (typeof handler !== "function") {
    return Promise.resolve(failed(new TypeError(`The Action does not export ${exportName}`)));
  }
  return Promise.resolve()
    .then(() => handler(event, api))
    .then(finish, failed);
};
