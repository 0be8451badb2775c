// The Message Center console: one page drawing every view from the control instance's API
// (/console/api/<service>/<method>, the gRPC services as JSON), as the signed-in operator.
// No state is kept here but the CSRF token of the session (the cookie is HttpOnly).
'use strict';
(() => {
  const P = 'messagecenter.control.v1.';
  const state = { csrf: null, timer: null };

  // ---- small helpers -----------------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') e.textContent = v;
      else if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }
  const $ = (sel) => document.querySelector(sel);
  const num = (v) => (v === undefined || v === null || v === '' ? 0 : Number(v));
  const fmt = (v, digits) => num(v).toLocaleString('en-US', { maximumFractionDigits: digits ?? 2 });
  const when = (ts) => (ts ? new Date(ts).toLocaleString('en-GB') : '—');
  const words = (name, prefix) => {
    const s = (name || '').replace(prefix, '').toLowerCase().replace(/_/g, ' ');
    return s.charAt(0).toUpperCase() + s.slice(1);
  };
  const stateWord = (s) => words(s, /^(WORKFLOW|ARCHIVING)_STATE_/);
  const statusWord = (s) => words(s, /^EVENT_STATUS_/);
  const channelWord = (s) => words(s, /^CHANNEL_/);

  class ApiError extends Error {
    constructor(error, httpStatus) {
      super((error && error.message) || 'HTTP ' + httpStatus);
      this.status = (error && error.status) || '';
      this.httpStatus = httpStatus;
    }
  }

  async function call(service, method, body, retried) {
    const r = await fetch('api/' + P + service + '/' + method, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': state.csrf || '' },
      body: JSON.stringify(body || {}),
    });
    const j = await r.json().catch(() => ({}));
    // Signed in again from another tab: this tab's CSRF token is the old session's.
    if (r.status === 403 && !retried && j.error && /^csrf:/.test(j.error.message)) {
      const s = await fetch('session', { credentials: 'same-origin' });
      if (s.ok) {
        state.csrf = (await s.json()).csrfToken;
        return call(service, method, body, true);
      }
    }
    if (r.status === 401) {
      showSignIn('Your session has ended: sign in again.');
      throw new ApiError(j.error, 401);
    }
    if (!r.ok) throw new ApiError(j.error, r.status);
    return j;
  }

  function notify(text, kind) {
    const box = $('#alert');
    box.replaceChildren(el('div', { class: 'alert alert-' + (kind || 'success') + ' py-2', text }));
  }
  function failed(e) {
    notify((e.status ? e.status + ': ' : '') + e.message, 'danger');
  }
  // Runs `action` for a button, showing its outcome; the button is off while it runs.
  async function act(button, action, done) {
    if (button) button.disabled = true;
    try {
      const out = await action();
      if (done) notify(typeof done === 'function' ? done(out) : done);
      return out;
    } catch (e) {
      failed(e);
      return undefined;
    } finally {
      if (button) button.disabled = false;
    }
  }
  const btn = (label, onclick, cls, extra) =>
    el('button', Object.assign({ type: 'button', class: 'btn btn-sm ' + (cls || 'btn-outline-primary'), onclick }, extra || {}), label);
  function table(headers, rows, attrs) {
    return el('div', { class: 'table-responsive' },
      el('table', Object.assign({ class: 'table table-sm table-striped' }, attrs || {}),
        el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, rows)));
  }
  function field(id, label, input, help) {
    input.id = id;
    return el('div', { class: 'mb-2' }, el('label', { for: id, class: 'form-label', text: label }), input,
      help ? el('div', { class: 'form-text', text: help }) : null);
  }
  const input = (attrs) => el('input', Object.assign({ class: 'form-control form-control-sm' }, attrs));

  // ---- sign-in and sessions ----------------------------------------------------------------
  function showSignIn(message) {
    state.csrf = null;
    $('#app-view').hidden = true;
    $('#sign-out').hidden = true;
    $('#signin-view').hidden = false;
    $('#signin-error').textContent = message || '';
    $('#signin-token').focus();
  }
  function showApp() {
    $('#signin-view').hidden = true;
    $('#app-view').hidden = false;
    $('#sign-out').hidden = false;
    route();
  }
  async function signIn(ev) {
    ev.preventDefault();
    const token = $('#signin-token').value.trim();
    const r = await fetch('session', {
      method: 'POST', credentials: 'same-origin', headers: { Authorization: 'Bearer ' + token },
    });
    const j = await r.json().catch(() => ({}));
    $('#signin-token').value = '';
    if (!r.ok) {
      $('#signin-error').textContent = 'Not signed in: ' + ((j.error && j.error.message) || r.status);
      return;
    }
    state.csrf = j.csrfToken;
    showApp();
  }
  async function signOut() {
    await fetch('session', { method: 'DELETE', credentials: 'same-origin', headers: { 'X-CSRF-Token': state.csrf || '' } });
    $('#alert').replaceChildren();
    $('#page').replaceChildren();
    showSignIn('Signed out.');
  }

  // ---- routing -----------------------------------------------------------------------------
  const pages = {
    instances: ['Execution instances', instancesPage],
    workflows: ['Technical workflows', workflowsPage],
    archiving: ['Archiving workflows', archivingPage],
    templates: ['Transactional message templates', templatesPage],
    reports: ['Reports', reportsPage],
    events: ['Event search', eventsPage],
  };
  function route() {
    if (!state.csrf) return;
    const parts = (location.hash || '#/instances').slice(2).split('/');
    const [title, draw] = pages[parts[0]] || pages.instances;
    $('#crumb-page').textContent = title;
    for (const a of document.querySelectorAll('#side-nav a')) {
      const on = a.getAttribute('href') === '#/' + (pages[parts[0]] ? parts[0] : 'instances');
      a.classList.toggle('active', on);
      if (on) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    }
    $('#alert').replaceChildren();
    const page = el('div', { 'data-page': parts[0] || 'instances' });
    $('#page').replaceChildren(page);
    let args;
    try {
      args = parts.slice(1).map(decodeURIComponent);
    } catch (e) {
      failed(new Error('This address names no page: ' + location.hash));
      return;
    }
    draw(page, args).catch(failed);
  }

  // ---- Execution instances -----------------------------------------------------------------
  async function instancesPage(page) {
    const { accounts } = await call('AccountService', 'ListAccounts');
    const result = el('section', { id: 'instance-result', 'aria-live': 'polite' });
    const form = el('div', { id: 'instance-form' });
    const rows = accounts.map((a) => el('tr', { 'data-account': a.internalName },
      el('td', {}, el('code', { text: a.internalName })), el('td', { text: a.label }),
      el('td', { text: a.endpoint }),
      el('td', { class: 'enabled', text: a.enabled ? 'Enabled' : 'Disabled' }),
      el('td', { text: a.instanceId || '—' }),
      el('td', { class: 'actions' },
        btn('Test the connection', (e) => testConnection(e.target, a, result), 'btn-outline-primary', { 'data-action': 'test' }),
        btn('Initialize', (e) => act(e.target, () => call('AccountService', 'InitializeConnection', { internalName: a.internalName }),
          (acc) => a.internalName + ' initialized: identifier ' + acc.instanceId), 'btn-outline-primary', { 'data-action': 'initialize' }),
        a.enabled
          ? btn('Disable', (e) => act(e.target, () => call('AccountService', 'DisableAccount', { internalName: a.internalName }).then(() => route()), a.internalName + ' disabled'), 'btn-outline-secondary', { 'data-action': 'disable' })
          : btn('Enable', (e) => act(e.target, () => saveAccount(Object.assign({}, a, { enabled: true }), false).then(() => route()), a.internalName + ' enabled'), 'btn-outline-secondary', { 'data-action': 'enable' }),
        btn('Create the archiving workflow', (e) => act(e.target, () => call('ArchivingService', 'CreateArchivingWorkflow', { account: a.internalName }),
          (w) => w.internalName + ' created'), 'btn-outline-secondary', { 'data-action': 'archiving' }),
        btn('Edit', () => accountForm(form, a), 'btn-outline-secondary', { 'data-action': 'edit' }))));
    page.append(el('h1', { text: 'Execution instances' }),
      el('p', { text: 'The external accounts of the execution instances this control instance publishes to and archives from.' }),
      btn('New execution instance', () => accountForm(form, null), 'btn-primary mb-3'),
      table(['Internal name', 'Label', 'Endpoint', 'Status', 'Identifier', 'Actions'], rows, { id: 'accounts' }),
      form, result);
  }
  function saveAccount(a, create) {
    const account = { internalName: a.internalName, label: a.label, endpoint: a.endpoint,
      connectionMethod: a.connectionMethod, enabled: a.enabled, credential: a.credential || '' };
    return call('AccountService', create ? 'CreateAccount' : 'UpdateAccount', { account });
  }
  async function testConnection(button, a, result) {
    const r = await act(button, () => call('AccountService', 'TestConnection', { internalName: a.internalName }));
    if (!r) return;
    result.replaceChildren(el('h2', { text: 'Connection to ' + a.internalName }),
      el('dl', { class: 'row', id: 'connection' },
        el('dt', { class: 'col-sm-3', text: 'Endpoint' }), el('dd', { class: 'col-sm-9', 'data-field': 'endpoint', text: r.endpoint }),
        el('dt', { class: 'col-sm-3', text: 'Version' }), el('dd', { class: 'col-sm-9', 'data-field': 'version', text: r.version }),
        el('dt', { class: 'col-sm-3', text: 'Identifier' }), el('dd', { class: 'col-sm-9', 'data-field': 'instanceId', text: r.instanceId || '—' }),
        el('dt', { class: 'col-sm-3', text: 'Round trip' }), el('dd', { class: 'col-sm-9', text: r.roundTripMs + ' ms' })),
      table(['Workflow', 'State'], r.workflows.map((w) => el('tr', { 'data-workflow': w.internalName },
        el('td', { text: w.internalName }), el('td', { class: 'state', text: w.state })))));
    notify('Connection to ' + a.internalName + ' tested: version ' + r.version);
  }
  function accountForm(box, a) {
    const create = !a;
    a = a || { internalName: '', label: '', endpoint: '', connectionMethod: 'CONNECTION_METHOD_INSECURE', enabled: true };
    const name = input({ value: a.internalName, required: true, readonly: !create });
    const label = input({ value: a.label });
    const endpoint = input({ value: a.endpoint, placeholder: 'host:port' });
    const method = el('select', { class: 'form-select form-select-sm' },
      el('option', { value: 'CONNECTION_METHOD_INSECURE', selected: a.connectionMethod !== 'CONNECTION_METHOD_TLS' }, 'Insecure (loopback, private network)'),
      el('option', { value: 'CONNECTION_METHOD_TLS', selected: a.connectionMethod === 'CONNECTION_METHOD_TLS' }, 'TLS'));
    const credential = input({ type: 'password', autocomplete: 'off', placeholder: a.hasCredential ? 'unchanged' : '' });
    const enabled = el('input', { type: 'checkbox', class: 'form-check-input', checked: a.enabled, id: 'account-enabled' });
    const form = el('form', { class: 'card card-body my-3', 'aria-label': create ? 'New execution instance' : 'Edit ' + a.internalName },
      el('h2', { class: 'mt-0', text: create ? 'New execution instance' : 'Edit ' + a.internalName }),
      field('account-name', 'Internal name', name), field('account-label', 'Label', label),
      field('account-endpoint', 'Endpoint', endpoint), field('account-method', 'Connection', method),
      field('account-credential', 'Credential (the control token the instance accepts)', credential, 'Write-only: never shown again.'),
      el('div', { class: 'form-check mb-2' }, enabled, el('label', { class: 'form-check-label', for: 'account-enabled', text: 'Enabled' })),
      el('div', {}, el('button', { type: 'submit', class: 'btn btn-primary btn-sm' }, 'Save'), ' ',
        btn('Cancel', () => box.replaceChildren(), 'btn-outline-secondary')));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      act(form.querySelector('[type=submit]'), () => saveAccount({ internalName: name.value.trim(), label: label.value,
        endpoint: endpoint.value.trim(), connectionMethod: method.value, enabled: enabled.checked, credential: credential.value }, create)
        .then(() => route()), 'Saved');
    });
    box.replaceChildren(form);
    name.focus();
  }

  // ---- Technical workflows -----------------------------------------------------------------
  async function workflowsPage(page) {
    const { accounts } = await call('AccountService', 'ListAccounts');
    page.append(el('h1', { text: 'Technical workflows' }),
      el('p', { text: 'The Message Center workflows of every execution instance: they take up, deliver and report the events.' }));
    for (const a of accounts) {
      const section = el('section', { 'data-account': a.internalName }, el('h2', { text: a.label || a.internalName }));
      page.append(section);
      try {
        const { workflows } = await call('AccountService', 'ListInstanceWorkflows', { internalName: a.internalName });
        section.append(table(['Workflow', 'Label', 'State', 'Last run', 'Processed', 'Errors', 'Last error', 'Actions'],
          workflows.map((w) => {
            const change = (action, label, cls) => btn(label, (e) => act(e.target,
              () => call('AccountService', 'ChangeInstanceWorkflow', { internalName: a.internalName, workflow: w.internalName, action })
                .then(() => route()), w.internalName + ' on ' + a.internalName + ': ' + label.toLowerCase()), cls,
              { 'data-action': label.toLowerCase(), 'aria-label': label + ' ' + w.internalName + ' on ' + a.internalName });
            return el('tr', { 'data-workflow': w.internalName },
              el('td', {}, el('code', { text: w.internalName })), el('td', { text: w.label }),
              el('td', { class: 'state state-' + stateWord(w.state).toLowerCase(), 'data-state': w.state, text: stateWord(w.state) }),
              el('td', { text: when(w.lastRun) }), el('td', { text: fmt(w.processed) }), el('td', { text: fmt(w.errors) }),
              el('td', { text: w.lastError || '—' }),
              el('td', { class: 'actions' }, change('WORKFLOW_ACTION_START', 'Start', 'btn-outline-success'),
                change('WORKFLOW_ACTION_PAUSE', 'Pause', 'btn-outline-warning'), change('WORKFLOW_ACTION_STOP', 'Stop', 'btn-outline-danger')));
          })));
      } catch (e) {
        section.append(el('p', { class: 'text-danger', text: 'Not reachable: ' + e.message }));
      }
    }
  }

  // ---- Archiving workflows -----------------------------------------------------------------
  async function archivingPage(page) {
    const { workflows } = await call('ArchivingService', 'ListArchivingWorkflows');
    const runs = el('section', { id: 'archive-runs', 'aria-live': 'polite' });
    const rows = workflows.map((w) => {
      const change = (method, label, cls) => btn(label, (e) => act(e.target,
        () => call('ArchivingService', method, { internalName: w.internalName }).then(() => route()), w.internalName + ': ' + label.toLowerCase()), cls,
        { 'data-action': label.toLowerCase().replace(' ', '-') });
      const schedule = input({ type: 'number', min: '1', value: w.scheduleSeconds, 'aria-label': 'Schedule of ' + w.internalName + ' (seconds)', class: 'form-control form-control-sm d-inline-block w-auto' });
      const last = w.lastRun;
      return el('tr', { 'data-workflow': w.internalName },
        el('td', {}, el('code', { text: w.internalName })), el('td', { text: w.account }),
        el('td', { class: 'state state-' + stateWord(w.state).toLowerCase(), text: stateWord(w.state) }),
        el('td', {}, schedule, ' ', btn('Set', (e) => act(e.target, () => call('ArchivingService', 'SetSchedule',
          { internalName: w.internalName, scheduleSeconds: schedule.value }).then(() => route()), 'Schedule set'), 'btn-outline-secondary', { 'data-action': 'schedule' })),
        el('td', { text: when(w.nextRun) }),
        el('td', { text: last ? when(last.started) + ': ' + fmt(last.eventsCopied) + ' events' + (last.error ? ' (' + last.error + ')' : '') : '—' }),
        el('td', { class: 'actions' }, change('StartArchivingWorkflow', 'Start', 'btn-outline-success'),
          change('PauseArchivingWorkflow', 'Pause', 'btn-outline-warning'), change('StopArchivingWorkflow', 'Stop', 'btn-outline-danger'),
          btn('Run now', (e) => act(e.target, () => call('ArchivingService', 'RunNow', { internalName: w.internalName })
            .then((r) => { showRuns(runs, w.internalName); return r; }), (r) => w.internalName + ': ' + fmt(r.eventsCopied) + ' events archived'),
          'btn-outline-primary', { 'data-action': 'run-now' }),
          btn('Runs', () => showRuns(runs, w.internalName).catch(failed), 'btn-outline-secondary', { 'data-action': 'runs' })));
    });
    page.append(el('h1', { text: 'Archiving workflows' }),
      el('p', { text: 'One mcSynch workflow per execution instance copies its processed events into the archive that reports read.' }),
      table(['Workflow', 'Account', 'State', 'Schedule (seconds)', 'Next run', 'Last run', 'Actions'], rows, { id: 'archiving-workflows' }), runs);
  }
  async function showRuns(box, name) {
    const { runs } = await call('ArchivingService', 'ListRuns', { internalName: name, limit: 20 });
    box.replaceChildren(el('h2', { text: 'Runs of ' + name }),
      table(['Started', 'Ended', 'Events', 'Delivery logs', 'Quarantine', 'Error'], runs.map((r) => el('tr', { 'data-run': r.id },
        el('td', { text: when(r.started) }), el('td', { text: when(r.ended) }), el('td', { 'data-field': 'eventsCopied', text: fmt(r.eventsCopied) }),
        el('td', { text: fmt(r.deliveryLogsCopied) }), el('td', { text: fmt(r.quarantineCopied) }), el('td', { text: r.error || '—' }))), { id: 'runs' }));
  }

  // ---- Transactional message templates -------------------------------------------------------
  async function templatesPage(page, args) {
    if (args.length) return templateEditor(page, args[0]);
    const { templates } = await call('TemplateService', 'ListTemplates');
    const form = el('div');
    page.append(el('h1', { text: 'Transactional message templates' }),
      btn('New template', () => newTemplateForm(form), 'btn-primary mb-3'), form,
      table(['Internal name', 'Label', 'Event type', 'Channel', 'Status', 'Version', 'Published', ''],
        templates.map((t) => el('tr', { 'data-template': t.internalName },
          el('td', {}, el('code', { text: t.internalName })), el('td', { text: t.label }), el('td', { text: t.eventType }),
          el('td', { text: channelWord(t.channel) }), el('td', { text: words(t.status, /^TEMPLATE_STATUS_/) }),
          el('td', { text: t.version }), el('td', { text: when(t.published) }),
          el('td', {}, el('a', { class: 'btn btn-sm btn-outline-primary', href: '#/templates/' + encodeURIComponent(t.internalName), text: 'Edit' })))),
        { id: 'templates' }));
  }
  function newTemplateForm(box) {
    const name = input({ required: true }), label = input({}), type = input({ required: true });
    const channel = el('select', { class: 'form-select form-select-sm' }, el('option', { value: 'CHANNEL_EMAIL' }, 'Email'), el('option', { value: 'CHANNEL_SMS' }, 'SMS'));
    const seed = input({ type: 'email', placeholder: 'seed@example.com' });
    const form = el('form', { class: 'card card-body mb-3', 'aria-label': 'New template' },
      field('new-name', 'Internal name', name), field('new-label', 'Label', label), field('new-type', 'Event type', type),
      field('new-channel', 'Channel', channel), field('new-seed', 'Seed address (for previews and proofs)', seed),
      el('div', {}, el('button', { type: 'submit', class: 'btn btn-primary btn-sm' }, 'Create')));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const t = { internalName: name.value.trim(), label: label.value, eventType: type.value.trim(), channel: channel.value,
        subject: 'New message', htmlBody: '<p>Hello</p>', textBody: 'Hello', smsText: 'Hello',
        seeds: seed.value ? [{ address: seed.value, ctx: {} }] : [] };
      act(form.querySelector('[type=submit]'), () => call('TemplateService', 'CreateTemplate', { template: t })
        .then(() => { location.hash = '#/templates/' + encodeURIComponent(t.internalName); }), 'Created');
    });
    box.replaceChildren(form);
    name.focus();
  }
  async function templateEditor(page, name) {
    let t = await call('TemplateService', 'GetTemplate', { internalName: name });
    const email = t.channel === 'CHANNEL_EMAIL';
    const label = input({ value: t.label });
    const subject = input({ value: t.subject });
    const html = el('textarea', { class: 'form-control code', rows: 12 }); html.value = t.htmlBody;
    const text = el('textarea', { class: 'form-control code', rows: 6 }); text.value = t.textBody;
    const sms = el('textarea', { class: 'form-control code', rows: 3 }); sms.value = t.smsText;
    const seedAddress = input({ value: (t.seeds[0] || {}).address || '' });
    const seedCtx = el('textarea', { class: 'form-control code', rows: 5 });
    seedCtx.value = JSON.stringify((t.seeds[0] || {}).ctx || {}, null, 2);
    const seedIndex = el('select', { class: 'form-select form-select-sm' },
      t.seeds.map((s, i) => el('option', { value: i }, s.address)));
    const info = el('p', { id: 'template-info' });
    const outcomes = el('section', { id: 'publish-outcomes', 'aria-live': 'polite' });
    const preview = {
      address: el('dd', { class: 'col-sm-9', id: 'preview-address' }),
      subject: el('dd', { class: 'col-sm-9', id: 'preview-subject' }),
      html: el('iframe', { class: 'preview-frame', id: 'preview-html', sandbox: '', title: 'HTML preview', referrerpolicy: 'no-referrer' }),
      text: el('div', { class: 'preview-text', id: 'preview-text' }),
      error: el('div', { class: 'text-danger', id: 'preview-error', role: 'alert' }),
    };
    const showInfo = () => info.replaceChildren('Status: ', el('strong', { id: 'template-status', text: words(t.status, /^TEMPLATE_STATUS_/) }),
      ' · version ', el('strong', { id: 'template-version', text: t.version }), ' · published ', when(t.published),
      ' · event type ', el('code', { text: t.eventType }), ' · ', channelWord(t.channel));
    const draft = () => {
      let ctx = {};
      try { ctx = JSON.parse(seedCtx.value || '{}'); } catch (e) { throw new Error('seed data: not JSON (' + e.message + ')'); }
      const seeds = t.seeds.slice();
      seeds[0] = Object.assign({}, seeds[0] || {}, { address: seedAddress.value.trim(), ctx });
      return Object.assign({}, t, { label: label.value, subject: subject.value, htmlBody: html.value, textBody: text.value, smsText: sms.value,
        seeds: seedAddress.value.trim() ? seeds : t.seeds.slice(1) });
    };
    const strip = (d) => { const c = Object.assign({}, d); for (const k of ['status', 'version', 'published', 'updated', 'publishedBlocks']) delete c[k]; return c; };
    let previewSeq = 0;
    async function refreshPreview() {
      const seq = ++previewSeq;
      try {
        const r = await call('TemplateService', 'PreviewTemplate', { internalName: name, seedIndex: Number(seedIndex.value || 0), draft: strip(draft()) });
        if (seq !== previewSeq) return;
        preview.error.textContent = '';
        preview.address.textContent = r.address;
        preview.subject.textContent = email ? r.subject : '';
        preview.html.srcdoc = email ? r.htmlBody : '';
        preview.text.textContent = email ? r.textBody : r.smsText;
        preview.subject.closest('dl').dataset.rendered = String(seq);
      } catch (e) {
        if (seq === previewSeq) preview.error.textContent = 'Preview: ' + e.message;
      }
    }
    const later = () => { clearTimeout(state.timer); state.timer = setTimeout(refreshPreview, 250); };
    for (const i of [label, subject, html, text, sms, seedAddress, seedCtx]) i.addEventListener('input', later);
    seedIndex.addEventListener('change', refreshPreview);
    async function save() {
      t = await call('TemplateService', 'UpdateTemplate', { template: strip(draft()) });
      showInfo();
      return t;
    }
    function showOutcomes(title, list) {
      outcomes.replaceChildren(el('h2', { text: title }),
        table(['Execution instance', 'Identifier', 'Outcome'], list.map((o) => el('tr', { 'data-account': o.account },
          el('td', { text: o.account }), el('td', { text: o.instanceId || '—' }),
          el('td', { class: o.code ? 'outcome-error' : 'outcome-ok', 'data-code': o.code, text: o.code ? o.message : 'OK' + (o.message ? ': ' + o.message : '') }))),
        { id: 'outcomes' }));
    }
    const form = el('form', { 'aria-label': 'Template ' + name, class: 'col-lg-6' },
      field('tpl-label', 'Label', label),
      email ? field('tpl-subject', 'Subject', subject) : null,
      email ? field('tpl-html', 'HTML body', html) : null,
      email ? field('tpl-text', 'Text body', text) : null,
      email ? null : field('tpl-sms', 'SMS text', sms),
      field('tpl-seed-address', 'First seed address', seedAddress),
      field('tpl-seed-ctx', 'First seed data (the event\'s ctx, JSON)', seedCtx),
      el('div', { class: 'actions' },
        el('button', { type: 'submit', class: 'btn btn-primary btn-sm', 'data-action': 'save' }, 'Save'),
        btn('Publish', (e) => act(e.target, async () => {
          await save();
          const r = await call('TemplateService', 'PublishTemplate', { internalName: name });
          t = r.template; showInfo(); showOutcomes('Publication of version ' + r.version, r.outcomes); return r;
        }, (r) => 'Version ' + r.version + ' published'), 'btn-success', { 'data-action': 'publish' }),
        btn('Unpublish', (e) => act(e.target, async () => {
          const r = await call('TemplateService', 'UnpublishTemplate', { internalName: name });
          t = r.template; showInfo(); showOutcomes('Unpublication', r.outcomes); return r;
        }, 'Unpublished'), 'btn-outline-danger', { 'data-action': 'unpublish' })));
    form.addEventListener('submit', (ev) => { ev.preventDefault(); act(form.querySelector('[type=submit]'), save, 'Saved'); });
    page.append(el('h1', {}, 'Template ', el('code', { text: name })), info,
      el('div', { class: 'row' }, form,
        el('section', { class: 'col-lg-6', 'aria-label': 'Preview' },
          el('h2', { class: 'mt-0', text: 'Preview' }), field('tpl-seed', 'Seed', seedIndex), preview.error,
          el('dl', { class: 'row', id: 'preview' },
            el('dt', { class: 'col-sm-3', text: 'To' }), preview.address,
            el('dt', { class: 'col-sm-3', text: email ? 'Subject' : 'Channel' }), preview.subject),
          email ? preview.html : null, el('h3', { class: 'h6 mt-2', text: email ? 'Text version' : 'SMS' }), preview.text)),
      outcomes);
    showInfo();
    refreshPreview();
  }

  // ---- Reports -------------------------------------------------------------------------------
  const toLocalInput = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  async function reportsPage(page) {
    const now = new Date();
    const from = input({ type: 'datetime-local', value: toLocalInput(new Date(now.getTime() - 24 * 3600e3)) });
    const to = input({ type: 'datetime-local', value: toLocalInput(new Date(now.getTime() + 3600e3)) });
    const orange = input({ type: 'number', min: '1', value: '1000' });
    const red = input({ type: 'number', min: '1', value: '5000' });
    const body = el('div', { id: 'report-body' });
    const form = el('form', { class: 'row g-2 align-items-end mb-3', 'aria-label': 'Report period' },
      el('div', { class: 'col-auto' }, field('report-from', 'From', from)), el('div', { class: 'col-auto' }, field('report-to', 'To', to)),
      el('div', { class: 'col-auto' }, field('queue-orange', 'Queue orange at', orange)),
      el('div', { class: 'col-auto' }, field('queue-red', 'Queue red at', red)),
      el('div', { class: 'col-auto mb-2' }, el('button', { type: 'submit', class: 'btn btn-primary btn-sm' }, 'Show')));
    form.addEventListener('submit', (ev) => { ev.preventDefault(); drawReports(body, from.value, to.value, num(orange.value), num(red.value)).catch(failed); });
    page.append(el('h1', { text: 'Reports' }), form, body);
    await drawReports(body, from.value, to.value, num(orange.value), num(red.value));
  }
  async function drawReports(body, fromValue, toValue, orange, red) {
    const filter = { from: new Date(fromValue).toISOString(), to: new Date(toValue).toISOString() };
    const [level, processing, counts, history, accounts] = await Promise.all([
      call('ReportService', 'ServiceLevel', filter), call('ReportService', 'ProcessingTime', filter),
      call('ReportService', 'StatusCounts', filter), call('ReportService', 'History', { filter, granularity: 'GRANULARITY_HOUR' }),
      call('AccountService', 'ListAccounts')]);
    const perInstance = await Promise.all(accounts.accounts.map((a) =>
      call('ReportService', 'History', { filter: Object.assign({ accounts: [a.internalName] }, filter), granularity: 'GRANULARITY_HOUR' })
        .then((h) => [a.internalName, h.rows])));
    // Per instance; the row of no account is the total over them (the tables show it too).
    const names = level.rows.map((r) => r.account).filter((a) => a);
    body.replaceChildren(el('p', { id: 'report-period', 'data-from': filter.from, 'data-to': filter.to },
      'From ', when(filter.from), ' to ', when(filter.to), ' (', fmt(level.periodHours, 1), ' hours).'));

    // Service level.
    body.append(el('h2', { text: 'Service level' }),
      legend([['incoming', 'Incoming events per hour'], ['outgoing', 'Outgoing messages per hour']]),
      barChart('chart-service-level', 'Incoming events and outgoing messages per hour, per execution instance', names,
        [{ key: 'incomingEventsPerHour', cls: 'bar-incoming', label: 'incoming/h' }, { key: 'outgoingMessagesPerHour', cls: 'bar-outgoing', label: 'outgoing/h' }],
        (name, key) => num(level.rows.find((r) => r.account === name)[key])),
      figures('figures-service-level', ['Execution instance', 'Incoming events', 'Incoming events/h', 'Outgoing messages', 'Outgoing messages/h', 'Average sending time (s)', 'Error rate'],
        level.rows, ['incomingEvents', 'incomingEventsPerHour', 'outgoingMessages', 'outgoingMessagesPerHour', 'averageSendingSeconds', 'errorRate']));
    for (const [name, rows] of perInstance) {
      const hours = d3.nest().key((r) => r.periodStart).rollup((rs) => ({ events: d3.sum(rs, (r) => num(r.events)), sent: d3.sum(rs, (r) => num(r.sent)) })).entries(rows);
      body.append(el('h3', { class: 'h6 mt-3', text: name + ': incoming vs outgoing per hour' }),
        lineChart('chart-hourly-' + name, name + ': events received and messages sent per hour', hours));
    }

    // The error split.
    const errors = [['notTakenIntoAccount', 'Not taken into account'], ['expired', 'Expired'], ['deliveryFailed', 'Delivery failed'], ['ignored', 'Ignored by the delivery']];
    body.append(el('h2', { text: 'Errors' }),
      barChart('chart-errors', 'Events in error per execution instance, by kind', names,
        errors.map(([key, label], i) => ({ key, label, cls: 'series-' + i })), (name, key) => num(level.rows.find((r) => r.account === name)[key])),
      legend(errors.map(([, label], i) => ['s' + i, label])),
      figures('figures-errors', ['Execution instance'].concat(errors.map((e) => e[1])).concat(['Error rate']), level.rows, errors.map((e) => e[0]).concat(['errorRate'])),
      el('h3', { class: 'h6', text: 'Events by status' }),
      table(['Execution instance', 'Status', 'Events'], counts.rows.map((r) => el('tr', { 'data-account': r.account, 'data-status': r.status },
        el('td', { text: r.account }), el('td', { text: statusWord(r.status) }), el('td', { 'data-field': 'events', 'data-value': num(r.events), text: fmt(r.events) }))),
      { id: 'figures-status-counts' }));

    // Processing time and queue length.
    const pnames = processing.rows.map((r) => r.account).filter((a) => a);
    body.append(el('h2', { text: 'Processing time' }),
      barChart('chart-processing', 'Average queuing and sending time (seconds) per execution instance', pnames,
        [{ key: 'averageQueuingSeconds', cls: 'bar-queuing', label: 'queuing s' }, { key: 'averageSendingSeconds', cls: 'bar-sending', label: 'sending s' }],
        (name, key) => num(processing.rows.find((r) => r.account === name)[key])),
      figures('figures-processing', ['Execution instance', 'Average queuing time (s)', 'Average sending time (s)', 'Queue min', 'Queue average', 'Queue max'],
        processing.rows, ['averageQueuingSeconds', 'averageSendingSeconds', 'queueMin', 'queueAvg', 'queueMax']),
      el('h2', { text: 'Queue length' }),
      queueChart('chart-queue', 'Largest queue length per execution instance against the orange and red thresholds', processing.rows.filter((r) => r.account), orange, red),
      table(['Execution instance', 'Queue max', 'Level'], processing.rows.filter((r) => r.account).map((r) => {
        const level = num(r.queueMax) >= red ? 'red' : num(r.queueMax) >= orange ? 'orange' : 'ok';
        return el('tr', { 'data-account': r.account }, el('td', { text: r.account }), el('td', { text: fmt(r.queueMax) }),
          el('td', { class: 'level-' + level, 'data-level': level, text: level === 'ok' ? 'Below the thresholds' : level === 'orange' ? 'Orange' : 'Red' }));
      }), { id: 'queue-levels' }));

    // History by event type.
    const types = d3.nest().key((r) => r.eventType).rollup((rs) => ({ events: d3.sum(rs, (r) => num(r.events)), sent: d3.sum(rs, (r) => num(r.sent)) })).entries(history.rows);
    body.append(el('h2', { text: 'History by event type' }),
      barChart('chart-history', 'Events and messages sent per event type over the period', types.map((t) => t.key),
        [{ key: 'events', cls: 'bar-incoming', label: 'events' }, { key: 'sent', cls: 'bar-outgoing', label: 'sent' }],
        (type, key) => types.find((t) => t.key === type).values[key]),
      table(['Period', 'Event type', 'Events', 'Sent'], history.rows.map((r) => el('tr', { 'data-type': r.eventType, 'data-period': r.periodStart },
        el('td', { text: when(r.periodStart) }), el('td', { text: r.eventType }),
        el('td', { 'data-field': 'events', 'data-value': num(r.events), text: fmt(r.events) }), el('td', { 'data-field': 'sent', 'data-value': num(r.sent), text: fmt(r.sent) }))),
      { id: 'figures-history' }));
  }
  function legend(items) {
    return el('p', { class: 'legend', 'aria-hidden': 'true' }, items.map(([cls, label]) =>
      [el('span', { class: 'swatch swatch-' + cls }), label]));
  }
  function figures(id, headers, rows, keys) {
    return table(headers, rows.map((r) => el('tr', { 'data-account': r.account || 'all' }, el('th', { scope: 'row', text: r.account || 'All instances' }),
      keys.map((k) => el('td', { 'data-field': k, 'data-value': num(r[k]), text: k.endsWith('Rate') ? fmt(100 * num(r[k]), 1) + ' %' : fmt(r[k]) })))), { id });
  }
  // Grouped bars: one group per category, one bar per series; each bar names its figure.
  function barChart(id, title, categories, series, value, extra) {
    const box = el('figure', { class: 'chart', id });
    const m = { top: 20, right: 10, bottom: 40, left: 60 }, w = 720 - m.left - m.right, h = 240 - m.top - m.bottom;
    const svg = d3.select(box).append('svg').attr('viewBox', '0 0 720 240').attr('role', 'img').attr('aria-label', title);
    svg.append('title').text(title);
    const g = svg.append('g').attr('transform', 'translate(' + m.left + ',' + m.top + ')');
    const x0 = d3.scale.ordinal().domain(categories).rangeRoundBands([0, w], 0.2);
    const x1 = d3.scale.ordinal().domain(series.map((s) => s.key)).rangeRoundBands([0, x0.rangeBand() || 1], 0.05);
    const top = d3.max(categories, (c) => d3.max(series, (s) => value(c, s.key))) || 1;
    const y = d3.scale.linear().domain([0, Math.max(top, extra || 0) * 1.1]).range([h, 0]).nice();
    g.append('g').attr('class', 'axis').attr('transform', 'translate(0,' + h + ')').call(d3.svg.axis().scale(x0).orient('bottom'));
    g.append('g').attr('class', 'axis').call(d3.svg.axis().scale(y).orient('left').ticks(5));
    for (const c of categories) {
      for (const s of series) {
        const v = value(c, s.key);
        const bar = g.append('rect').attr('class', 'bar ' + s.cls).attr('data-category', c).attr('data-series', s.key).attr('data-value', v)
          .attr('x', x0(c) + x1(s.key)).attr('width', x1.rangeBand()).attr('y', y(v)).attr('height', h - y(v));
        bar.append('title').text(c + ' ' + s.label + ': ' + fmt(v));
        g.append('text').attr('class', 'value-label').attr('x', x0(c) + x1(s.key) + x1.rangeBand() / 2).attr('y', y(v) - 3)
          .attr('text-anchor', 'middle').text(fmt(v, 1));
      }
    }
    return box;
  }
  function queueChart(id, title, rows, orange, red) {
    const box = barChart(id, title, rows.map((r) => r.account), [{ key: 'queueMax', cls: 'queue-ok', label: 'queue max' }],
      (name, key) => num(rows.find((r) => r.account === name)[key]), red);
    const svg = d3.select(box).select('svg g');
    const h = 240 - 60, w = 720 - 70;
    const y = d3.scale.linear().domain([0, Math.max(d3.max(rows, (r) => num(r.queueMax)) || 1, red) * 1.1]).range([h, 0]).nice();
    svg.selectAll('rect.bar').attr('class', function () {
      const v = Number(this.getAttribute('data-value'));
      return 'bar ' + (v >= red ? 'queue-red' : v >= orange ? 'queue-orange' : 'queue-ok');
    });
    for (const [v, cls] of [[orange, 'threshold-orange'], [red, 'threshold-red']]) {
      svg.append('line').attr('class', cls).attr('data-threshold', v).attr('x1', 0).attr('x2', w).attr('y1', y(v)).attr('y2', y(v));
    }
    return box;
  }
  function lineChart(id, title, hours) {
    const box = el('figure', { class: 'chart', id });
    const m = { top: 10, right: 10, bottom: 30, left: 60 }, w = 720 - m.left - m.right, h = 200 - m.top - m.bottom;
    const svg = d3.select(box).append('svg').attr('viewBox', '0 0 720 200').attr('role', 'img').attr('aria-label', title);
    svg.append('title').text(title);
    const g = svg.append('g').attr('transform', 'translate(' + m.left + ',' + m.top + ')');
    const data = hours.map((d) => ({ t: new Date(d.key), events: d.values.events, sent: d.values.sent })).sort((a, b) => a.t - b.t);
    const ext = d3.extent(data, (d) => d.t);
    const x = d3.time.scale().domain(ext[0] ? [new Date(+ext[0] - 3600e3), new Date(+ext[1] + 3600e3)] : [new Date(), new Date()]).range([0, w]);
    const y = d3.scale.linear().domain([0, (d3.max(data, (d) => Math.max(d.events, d.sent)) || 1) * 1.1]).range([h, 0]).nice();
    g.append('g').attr('class', 'axis').attr('transform', 'translate(0,' + h + ')').call(d3.svg.axis().scale(x).orient('bottom').ticks(6));
    g.append('g').attr('class', 'axis').call(d3.svg.axis().scale(y).orient('left').ticks(4));
    for (const key of ['events', 'sent']) {
      const cls = key === 'events' ? 'incoming' : 'outgoing';
      g.append('path').datum(data).attr('class', 'line-' + cls).attr('d', d3.svg.line().x((d) => x(d.t)).y((d) => y(d[key])));
      for (const d of data) {
        g.append('circle').attr('class', 'bar-' + cls).attr('r', 3).attr('cx', x(d.t)).attr('cy', y(d[key]))
          .attr('data-series', key).attr('data-period', d.t.toISOString()).attr('data-value', d[key])
          .append('title').text(when(d.t) + ' ' + key + ': ' + d[key]);
      }
    }
    return box;
  }

  // ---- Event search ----------------------------------------------------------------------------
  const STATUSES = ['EVENT_STATUS_PENDING', 'EVENT_STATUS_PENDING_DELIVERY', 'EVENT_STATUS_SENT', 'EVENT_STATUS_IGNORED_BY_DELIVERY',
    'EVENT_STATUS_DELIVERY_FAILED', 'EVENT_STATUS_NOT_TAKEN_INTO_ACCOUNT', 'EVENT_STATUS_EXPIRED', 'EVENT_STATUS_CANCELLED'];
  async function eventsPage(page) {
    const { accounts } = await call('AccountService', 'ListAccounts');
    const instance = el('select', { class: 'form-select form-select-sm' }, el('option', { value: '' }, 'All'),
      accounts.map((a) => el('option', { value: a.internalName }, a.label || a.internalName)));
    const address = input({}), externalId = input({}), type = input({});
    const status = el('select', { class: 'form-select form-select-sm' }, el('option', { value: '' }, 'Any'),
      STATUSES.map((s) => el('option', { value: s }, statusWord(s))));
    const after = input({ type: 'datetime-local' }), before = input({ type: 'datetime-local' });
    const results = el('section', { id: 'search-results', 'aria-live': 'polite' });
    const story = el('section', { id: 'story', 'aria-live': 'polite' });
    const col = (f) => el('div', { class: 'col-md-4 col-lg-3' }, f);
    const form = el('form', { class: 'row g-2 align-items-end', 'aria-label': 'Event search' },
      col(field('search-instance', 'Execution instance', instance)), col(field('search-address', 'Address', address)),
      col(field('search-external-id', 'External id', externalId)), col(field('search-type', 'Event type', type)),
      col(field('search-status', 'Status', status)), col(field('search-after', 'Received after', after)),
      col(field('search-before', 'Received before', before)),
      el('div', { class: 'col-auto mb-2' }, el('button', { type: 'submit', class: 'btn btn-primary btn-sm' }, 'Search')));
    const request = () => {
      const r = { address: address.value.trim(), externalId: externalId.value.trim(), eventType: type.value.trim(), pageSize: 50 };
      if (instance.value) r.accounts = [instance.value];
      if (status.value) r.status = status.value;
      if (after.value) r.receivedAfter = new Date(after.value).toISOString();
      if (before.value) r.receivedBefore = new Date(before.value).toISOString();
      return r;
    };
    async function search(pageToken) {
      const r = await call('ArchiveService', 'SearchEvents', Object.assign(request(), { pageToken: pageToken || '' }));
      const rows = r.events.map((e) => el('tr', { 'data-account': e.account, 'data-event': e.eventId },
        el('td', { text: when(e.received) }), el('td', { text: e.account }), el('td', { text: e.eventId }), el('td', { text: e.eventType }),
        el('td', { text: e.externalId || '—' }), el('td', { text: e.address }), el('td', { text: channelWord(e.channel) }),
        el('td', { class: 'status', text: statusWord(e.status) }),
        el('td', {}, btn('Story', () => showStory(story, e.account, e.eventId).catch(failed), 'btn-outline-primary',
          { 'data-action': 'story', 'aria-label': 'Story of event ' + e.eventId + ' on ' + e.account }))));
      results.replaceChildren(el('p', { text: r.events.length + ' events' + (r.nextPageToken ? ' (more on the next page)' : '') }),
        table(['Received', 'Instance', 'Event', 'Type', 'External id', 'Address', 'Channel', 'Status', ''], rows, { id: 'events' }),
        r.nextPageToken ? btn('Next page', () => search(r.nextPageToken).catch(failed), 'btn-outline-secondary') : null);
    }
    form.addEventListener('submit', (ev) => { ev.preventDefault(); story.replaceChildren(); search().catch(failed); });
    page.append(el('h1', { text: 'Event search' }), el('p', { text: 'The archive of every execution instance: events that reached a final status.' }),
      form, results, story);
  }
  async function showStory(box, account, eventId) {
    const s = await call('ArchiveService', 'GetArchivedEvent', { account, eventId });
    const item = (label, value) => [el('dt', { class: 'col-sm-3', text: label }), el('dd', { class: 'col-sm-9', text: value || '—' })];
    box.replaceChildren(el('h2', { text: 'Event ' + s.eventId + ' on ' + s.account }),
      el('dl', { class: 'row story' }, item('Type', s.eventType), item('External id', s.externalId), item('Address', s.address),
        item('Channel', channelWord(s.channel)), item('Status', statusWord(s.status)),
        item('Template', s.templateName ? s.templateName + ' v' + s.templateVersion : ''), item('Message-ID', s.messageId),
        item('Tries', String(s.tries)), item('Last failure', s.lastFailureReason), item('Received', when(s.received)),
        item('Finished', when(s.finished)), item('Archived', when(s.archived))),
      el('h3', { class: 'h6', text: 'Timeline' }),
      table(['At', 'Step', 'Status', 'Try', 'Reason'], s.timeline.map((t) => el('tr', { 'data-step': t.step },
        el('td', { text: when(t.at) }), el('td', { text: words(t.step, /^TIMELINE_STEP_/) }), el('td', { text: statusWord(t.status) }),
        el('td', { text: t.tryNumber || '' }), el('td', { text: t.reason || '' }))), { id: 'timeline' }));
    box.focus();
  }

  // ---- start -----------------------------------------------------------------------------------
  document.addEventListener('DOMContentLoaded', async () => {
    $('#signin-form').addEventListener('submit', signIn);
    $('#sign-out').addEventListener('click', signOut);
    window.addEventListener('hashchange', route);
    const r = await fetch('session', { credentials: 'same-origin' });
    if (r.ok) {
      state.csrf = (await r.json()).csrfToken;
      showApp();
    } else {
      showSignIn('');
    }
  });
})();
