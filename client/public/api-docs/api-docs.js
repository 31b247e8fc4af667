// Renders the OpenAPI document: one section per operation with parameters, body and responses.
(async function main() {
  const $ = (tag, attrs = {}, ...kids) => {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    for (const k of kids) el.append(k);
    return el;
  };
  let doc;
  try {
    const res = await fetch('/api/v1/openapi.json');
    doc = await res.json();
  } catch (e) {
    document.getElementById('meta').textContent = `Could not load the OpenAPI document: ${e}`;
    return;
  }
  const resolve = (o) => {
    let cur = o;
    while (cur && cur.$ref) cur = cur.$ref.slice(2).split('/').reduce((a, k) => a[k], doc);
    return cur;
  };
  const schemaText = (s) => JSON.stringify(resolve(s), (k, v) => (v && v.$ref ? `→ ${v.$ref.split('/').pop()}` : v), 2);
  document.getElementById('meta').textContent = `${doc.info.title} ${doc.info.version} — OpenAPI ${doc.openapi}`;
  const toc = document.getElementById('toc');
  const ops = document.getElementById('ops');
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = item[method];
      if (!op) continue;
      const id = `${method}-${path}`.replace(/[^a-z0-9]+/gi, '-');
      toc.append($('a', { href: `#${id}` }, `${method.toUpperCase()} ${path}`));
      const sec = $('section', { id }, $('h2', {}, $('span', { class: `m ${method}` }, method.toUpperCase()), path));
      if (op.summary) sec.append($('p', {}, $('strong', {}, op.summary)));
      if (op.description) sec.append($('p', {}, op.description));
      const params = (op.parameters ?? []).map(resolve);
      if (params.length) {
        const t = $('table', {}, $('tr', {}, $('th', {}, 'parameter'), $('th', {}, 'in'), $('th', {}, 'description')));
        for (const p of params) t.append($('tr', {}, $('td', {}, p.name), $('td', {}, p.in), $('td', {}, p.description ?? '')));
        sec.append(t);
      }
      const body = op.requestBody && resolve(op.requestBody);
      if (body) {
        const [type, media] = Object.entries(body.content)[0];
        sec.append($('p', {}, `Request body (${type}):`), $('pre', {}, schemaText(media.schema ?? {})));
      }
      const t = $('table', {}, $('tr', {}, $('th', {}, 'status'), $('th', {}, 'meaning')));
      for (const [code, r] of Object.entries(op.responses ?? {})) t.append($('tr', {}, $('td', {}, code), $('td', {}, resolve(r).description ?? '')));
      sec.append(t);
      ops.append(sec);
    }
  }
})();
