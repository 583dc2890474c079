/**
 * The pages of `wharf serve` for people: `/` lists the repos the caller may see (`?search=`), and a
 * repo's page (`/{ns}/{name}`, `/datasets/{ns}/{name}`, `/spaces/{ns}/{name}`, `?revision=`) shows its
 * README rendered, its files and commits at that revision, and for a dataset a preview of each config
 * and split (`?config=&split=&offset=`): rows twenty at a time, column types and statistics, read
 * straight from the parquet, CSV or JSON Lines files. The same access rules as the API: a private repo is
 * a 404 to whoever may not read it. Everything shown is escaped, the README's raw HTML included.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Marked } from "marked";
// The card and data-file modules, not the layer's index (which brings apache-arrow): see config-files.ts.
import { configSplitFiles } from "../../../datasets/load/data-files.js";
import { chooseConfig, parseDatasetCard } from "../../../datasets/load/dataset-card.js";
import { REPO_TYPES, type RepoType, repoIdString, repoUrlPrefix } from "../../../hub/repo-id.js";
import { configPaths } from "../../config-files.js";
import type { StoredFile } from "../../store/commit.js";
import { callerOf, type OpenRepo, openRepo, openRevision, type ServerDeps } from "../context.js";
import { HubHttpError } from "../hub-error.js";
import { isPreviewable, PAGE_ROWS, previewPage } from "./preview.js";

type Query = Record<string, string | undefined>;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Markdown to HTML, with any raw HTML in it shown as text rather than run. */
const markdown = new Marked({ renderer: { html: ({ text }) => escapeHtml(text) } });

const STYLE = `body{font-family:system-ui,sans-serif;margin:0;color:#1f2328;background:#fff}
header{background:#24292f;color:#fff;padding:12px 24px}header a{color:#fff;text-decoration:none;font-weight:600}
main{max-width:1100px;margin:0 auto;padding:16px 24px}table{border-collapse:collapse;width:100%;margin:8px 0 16px}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;font-size:13px;vertical-align:top}
th{background:#f6f8fa}.muted{color:#656d76}.readme{border:1px solid #d0d7de;padding:8px 16px;border-radius:6px}
nav a{margin-right:12px}input{padding:6px;width:320px}.pill{background:#ddf4ff;border-radius:10px;padding:1px 8px;font-size:12px}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><header><a href="/">wharf</a></header><main>${body}</main></body></html>`;
}

function link(path: string, query: Query): string {
  const params = new URLSearchParams(
    Object.entries(query).filter(([, value]) => value !== undefined) as Array<[string, string]>,
  );
  return `${path}${params.size > 0 ? `?${params}` : ""}`;
}

function repoPath(type: RepoType, id: string): string {
  return `/${repoUrlPrefix(type)}${id}`;
}

function html(reply: FastifyReply, body: string): FastifyReply {
  return reply.type("text/html; charset=utf-8").send(body);
}

async function listPage(
  deps: ServerDeps,
  request: FastifyRequest<{ Querystring: Query }>,
  reply: FastifyReply,
) {
  const caller = callerOf(deps, request);
  const search = (request.query.search ?? "").trim().toLowerCase();
  const rows: string[] = [];
  for (const type of REPO_TYPES) {
    for (const record of await deps.store.listRepos(type)) {
      const id = `${record.namespace}/${record.name}`;
      if (!deps.access.canSee(record, caller) || (search && !id.toLowerCase().includes(search))) continue;
      rows.push(
        `<tr><td><a href="${escapeHtml(repoPath(type, id))}">${escapeHtml(id)}</a></td><td><span class="pill">${type}</span></td><td>${record.private ? "private" : "public"}</td></tr>`,
      );
    }
  }
  const form = `<form method="get" action="/"><input name="search" placeholder="Search repos" value="${escapeHtml(search)}"> <button>Search</button></form>`;
  const table =
    rows.length > 0
      ? `<table><tr><th>repo</th><th>type</th><th>visibility</th></tr>${rows.join("")}</table>`
      : `<p class="muted">No repo matches.</p>`;
  return html(reply, page("wharf", `<h1>Repos</h1>${form}${table}`));
}

async function datasetPreview(
  deps: ServerDeps,
  opened: OpenRepo,
  files: Record<string, StoredFile>,
  query: Query,
  base: string,
  revision: string,
): Promise<string> {
  const id = repoIdString(opened.repo);
  const card = files["README.md"]
    ? (await deps.store.readBlobBytes(files["README.md"].sha256))?.toString("utf8")
    : undefined;
  const parsed = card ? parseDatasetCard(card, `${id}/README.md`) : { configs: [], metadata: {} };
  const configNames =
    parsed.configs.length > 0 ? parsed.configs.map((config) => config.configName) : ["default"];
  const configName =
    query.config && configNames.includes(query.config)
      ? query.config
      : (chooseConfig(parsed, undefined)?.configName ?? configNames[0] ?? "default");
  const paths = configPaths(Object.keys(files), card, parsed.configs.length > 0 ? configName : undefined, id);
  const splits = configSplitFiles(
    paths,
    chooseConfig(parsed, parsed.configs.length > 0 ? configName : undefined),
  );
  const splitNames = Object.keys(splits);
  const split = query.split && splitNames.includes(query.split) ? query.split : splitNames[0];
  const nav = [
    `<nav>config: ${configNames.map((name) => (name === configName ? `<b>${escapeHtml(name)}</b>` : `<a href="${escapeHtml(link(base, { revision, config: name }))}">${escapeHtml(name)}</a>`)).join(" ")}</nav>`,
    `<nav>split: ${splitNames.map((name) => (name === split ? `<b>${escapeHtml(name)}</b>` : `<a href="${escapeHtml(link(base, { revision, config: configName, split: name }))}">${escapeHtml(name)}</a>`)).join(" ")}</nav>`,
  ].join("");
  const file = split ? (splits[split] ?? []).find(isPreviewable) : undefined;
  const stored = file ? files[file] : undefined;
  if (!file || !stored)
    return `<h2>Preview</h2>${nav}<p class="muted">No parquet, CSV or JSON Lines file to preview in this split.</p>`;
  const offset = Math.max(0, Number(query.offset ?? 0) || 0);
  const preview = await previewPage(deps.store, file, stored, offset);
  const columns = preview.columns;
  const header = `<tr>${columns.map((column) => `<th>${escapeHtml(column.name)}<br><span class="muted">${escapeHtml(column.type)}</span></th>`).join("")}</tr>`;
  const cell = (value: unknown) =>
    escapeHtml(
      typeof value === "string"
        ? value
        : (JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? Number(v) : v)) ?? "null"),
    );
  const body = preview.rows
    .map((row) => `<tr>${columns.map((column) => `<td>${cell(row[column.name])}</td>`).join("")}</tr>`)
    .join("");
  const stats = columns
    .map(
      (column) =>
        `<tr><td>${escapeHtml(column.name)}</td><td>${escapeHtml(column.type)}</td><td>${column.count}</td><td>${column.nulls}</td><td>${
          column.mean !== undefined
            ? `min ${column.min} · max ${column.max} · mean ${Number(column.mean.toFixed(4))}`
            : `${column.distinct} distinct`
        }</td></tr>`,
    )
    .join("");
  const pager = [
    offset > 0
      ? `<a id="previous" href="${escapeHtml(link(base, { revision, config: configName, split, offset: String(Math.max(0, offset - PAGE_ROWS)) }))}">previous</a>`
      : "",
    preview.rows.length === PAGE_ROWS && (preview.total === undefined || offset + PAGE_ROWS < preview.total)
      ? `<a id="next" href="${escapeHtml(link(base, { revision, config: configName, split, offset: String(offset + PAGE_ROWS) }))}">next</a>`
      : "",
  ].join(" ");
  return `<h2>Preview</h2>${nav}<p class="muted">${escapeHtml(file)} · rows ${offset + 1}–${offset + preview.rows.length}${preview.total !== undefined ? ` of ${preview.total}` : ""}</p><table id="rows">${header}${body}</table><nav>${pager}</nav><h3>Columns</h3><p class="muted">statistics over the first ${preview.sampled} rows</p><table id="stats"><tr><th>column</th><th>type</th><th>rows</th><th>nulls</th><th>values</th></tr>${stats}</table>`;
}

async function repoPage(
  deps: ServerDeps,
  request: FastifyRequest<{ Params: { namespace: string; name: string }; Querystring: Query }>,
  reply: FastifyReply,
  type: RepoType,
) {
  const opened = await openRepo(deps, request, type, request.params.namespace, request.params.name);
  const revision = request.query.revision ?? "main";
  const view = await openRevision(deps, opened, revision);
  const id = repoIdString(opened.repo);
  const base = repoPath(type, id);
  const files = view.commit.files;
  const readme = files["README.md"]
    ? (await deps.store.readBlobBytes(files["README.md"].sha256))?.toString("utf8")
    : undefined;
  const body = (readme ?? "").replace(/^---\r?\n[\s\S]*?\r?\n---\s*\r?\n/, "");
  const refs = await deps.store.refs(opened.repo);
  const revisions = [...Object.keys(refs.branches), ...Object.keys(refs.tags)];
  const history = await deps.store.history(opened.repo, view.commit.id, 0, 20);
  const fileRows = Object.entries(files)
    .map(
      ([path, file]) =>
        `<tr><td><a href="${escapeHtml(`${base}/resolve/${view.commit.id}/${path}`)}">${escapeHtml(path)}</a></td><td>${file.size}</td><td>${file.lfs ? "LFS" : ""}</td></tr>`,
    )
    .join("");
  const commitRows = history
    .map(
      (commit) =>
        `<tr><td><a href="${escapeHtml(link(base, { revision: commit.id }))}"><code>${commit.id.slice(0, 12)}</code></a></td><td>${escapeHtml(commit.title)}</td><td>${escapeHtml(commit.author)}</td><td>${escapeHtml(commit.date)}</td></tr>`,
    )
    .join("");
  const sections = [
    `<h1>${escapeHtml(id)} <span class="pill">${type}</span>${opened.record.private ? ' <span class="pill">private</span>' : ""}</h1>`,
    `<nav>revision: ${revisions.map((name) => (name === revision ? `<b>${escapeHtml(name)}</b>` : `<a href="${escapeHtml(link(base, { revision: name }))}">${escapeHtml(name)}</a>`)).join(" ")} <span class="muted">at ${view.commit.id.slice(0, 12)}</span></nav>`,
    readme !== undefined ? `<div class="readme" id="readme">${await markdown.parse(body)}</div>` : "",
    type === "dataset" ? await datasetPreview(deps, opened, files, request.query, base, revision) : "",
    `<h2>Files</h2><table id="files"><tr><th>path</th><th>bytes</th><th></th></tr>${fileRows}</table>`,
    `<h2>Commits</h2><table id="commits"><tr><th>commit</th><th>title</th><th>author</th><th>date</th></tr>${commitRows}</table>`,
  ];
  return html(reply, page(id, sections.join("")));
}

export function registerViewerRoutes(app: FastifyInstance, deps: ServerDeps): void {
  app.get("/", (request: FastifyRequest<{ Querystring: Query }>, reply) => listPage(deps, request, reply));
  for (const type of REPO_TYPES) {
    app.get(
      `/${repoUrlPrefix(type)}:namespace/:name`,
      async (
        request: FastifyRequest<{ Params: { namespace: string; name: string }; Querystring: Query }>,
        reply,
      ) => {
        try {
          return await repoPage(deps, request, reply, type);
        } catch (error) {
          if (error instanceof HubHttpError) {
            return reply
              .code(error.status)
              .type("text/html; charset=utf-8")
              .send(page("Not found", `<h1>${error.status}</h1><p>${escapeHtml(error.message)}</p>`));
          }
          throw error;
        }
      },
    );
  }
}
