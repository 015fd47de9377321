// A deliberately tiny DOM, enough to load index.html and run main.js in node for smoke tests.
// Not a test file itself (the name does not match *.test.mjs). Supports only what the UI uses.

const VOID = new Set(['meta', 'link', 'input', 'img', 'br', 'hr', 'source']);

class Node {
  constructor(ownerDocument) {
    this.ownerDocument = ownerDocument;
    this.parentNode = null;
    this.childNodes = [];
  }

  get parentElement() {
    return this.parentNode instanceof Element ? this.parentNode : null;
  }

  get textContent() {
    return this.childNodes.map((c) => c.textContent).join('');
  }

  set textContent(value) {
    this.replaceChildren(this.ownerDocument.createTextNode(String(value ?? '')));
  }

  append(...nodes) {
    for (const n of nodes) {
      const node = typeof n === 'string' ? this.ownerDocument.createTextNode(n) : n;
      if (node.parentNode) node.parentNode.removeChild(node);
      node.parentNode = this;
      this.childNodes.push(node);
    }
  }

  removeChild(node) {
    const i = this.childNodes.indexOf(node);
    if (i >= 0) this.childNodes.splice(i, 1);
    node.parentNode = null;
  }

  replaceChildren(...nodes) {
    for (const c of [...this.childNodes]) this.removeChild(c);
    this.append(...nodes);
  }

  remove() {
    if (this.parentNode) this.parentNode.removeChild(this);
  }

  contains(node) {
    for (let n = node; n; n = n.parentNode) if (n === this) return true;
    return false;
  }
}

class Text extends Node {
  constructor(doc, text) {
    super(doc);
    this.data = text;
  }

  get textContent() {
    return this.data;
  }

  set textContent(v) {
    this.data = String(v);
  }
}

const BOOL_PROPS = { hidden: 'hidden', disabled: 'disabled', readOnly: 'readonly' };

export class Element extends Node {
  constructor(doc, tag) {
    super(doc);
    this.tagName = tag.toUpperCase();
    this.attributes = new Map();
    this.listeners = {};
    this._value = null;
    for (const [prop, attr] of Object.entries(BOOL_PROPS)) {
      Object.defineProperty(this, prop, {
        get: () => this.attributes.has(attr),
        set: (v) => (v ? this.attributes.set(attr, '') : this.attributes.delete(attr)),
      });
    }
    const self = this;
    this.dataset = new Proxy({}, {
      get: (_, k) => self.getAttribute(`data-${String(k).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`) ?? undefined,
      set: (_, k, v) => {
        self.setAttribute(`data-${String(k).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, v);
        return true;
      },
    });
    this.classList = {
      contains: (c) => self.className.split(/\s+/).includes(c),
      add: (c) => { if (!self.classList.contains(c)) self.className = `${self.className} ${c}`.trim(); },
      remove: (c) => { self.className = self.className.split(/\s+/).filter((x) => x && x !== c).join(' '); },
      toggle: (c, force) => {
        const on = force ?? !self.classList.contains(c);
        if (on) self.classList.add(c); else self.classList.remove(c);
        return on;
      },
    };
  }

  get children() {
    return this.childNodes.filter((c) => c instanceof Element);
  }

  get firstElementChild() {
    return this.children[0] ?? null;
  }

  get id() { return this.getAttribute('id') ?? ''; }

  get className() { return this.getAttribute('class') ?? ''; }

  set className(v) { this.setAttribute('class', v); }

  get type() { return this.getAttribute('type') ?? (this.tagName === 'INPUT' ? 'text' : ''); }

  set type(v) { this.setAttribute('type', v); }

  get value() {
    if (this.tagName === 'SELECT') {
      const opt = this.children.find((o) => o.selected) ?? this.children.find((o) => !o.disabled);
      return opt ? opt.value : '';
    }
    if (this.tagName === 'OPTION') return this.getAttribute('value') ?? this.textContent;
    return this._value ?? this.getAttribute('value') ?? '';
  }

  set value(v) {
    if (this.tagName === 'SELECT') {
      for (const o of this.children) o.selected = o.value === String(v);
      return;
    }
    this._value = String(v);
  }

  getAttribute(name) {
    return this.attributes.has(name) ? this.attributes.get(name) : null;
  }

  setAttribute(name, value) {
    this.attributes.set(name, String(value));
  }

  hasAttribute(name) {
    return this.attributes.has(name);
  }

  removeAttribute(name) {
    this.attributes.delete(name);
  }

  addEventListener(type, fn, opts = {}) {
    (this.listeners[type] ??= []).push({ fn, once: Boolean(opts && opts.once) });
  }

  dispatchEvent(event) {
    event.target ??= this;
    for (let n = this; n; n = n.parentNode) {
      const list = (n.listeners && n.listeners[event.type]) || [];
      for (const l of [...list]) {
        if (l.once) n.listeners[event.type] = n.listeners[event.type].filter((x) => x !== l);
        l.fn.call(n, event);
      }
      if (!event.bubbles) break;
    }
    return !event.defaultPrevented;
  }

  focus() {
    this.ownerDocument.activeElement = this;
  }

  /** Supports "tag", ".class" and "[attr]" selectors only. */
  matches(selector) {
    if (/^[a-z][a-z0-9]*$/.test(selector)) return this.tagName.toLowerCase() === selector;
    if (selector.startsWith('.')) return this.classList.contains(selector.slice(1));
    const m = selector.match(/^\[([a-z-]+)\]$/);
    if (m) return this.hasAttribute(m[1]);
    throw new Error(`fake-dom: unsupported selector ${selector}`);
  }

  closest(selector) {
    for (let n = this; n instanceof Element; n = n.parentNode) if (n.matches(selector)) return n;
    return null;
  }

  querySelector(selector) {
    for (const c of this.children) {
      if (c.matches(selector)) return c;
      const deep = c.querySelector(selector);
      if (deep) return deep;
    }
    return null;
  }

  querySelectorAll(selector) {
    const out = [];
    for (const c of this.children) {
      if (c.matches(selector)) out.push(c);
      out.push(...c.querySelectorAll(selector));
    }
    return out;
  }

  /** Visible: neither it nor an ancestor is hidden. */
  get isShown() {
    return this.closest('[hidden]') === null;
  }

  click() {
    if (this.disabled) return;
    const ev = makeEvent('click', { bubbles: true });
    this.dispatchEvent(ev);
    if (!ev.defaultPrevented && this.tagName === 'BUTTON' && this.type === 'submit') {
      const form = this.closestTag('FORM');
      if (form && form.getAttribute('method') === 'dialog') {
        const dialog = form.closestTag('DIALOG');
        dialog.close(this.value);
      } else if (form) {
        form.dispatchEvent(makeEvent('submit', { bubbles: true }));
      }
    }
  }

  closestTag(tag) {
    for (let n = this; n instanceof Element; n = n.parentNode) if (n.tagName === tag) return n;
    return null;
  }

  // <option>
  get selected() { return this.hasAttribute('selected'); }

  set selected(v) { if (v) this.setAttribute('selected', ''); else this.removeAttribute('selected'); }

  // <dialog>
  showModal() {
    this.setAttribute('open', '');
  }

  close(returnValue) {
    if (returnValue !== undefined) this.returnValue = returnValue;
    this.removeAttribute('open');
    this.dispatchEvent(makeEvent('close'));
  }
}

export function makeEvent(type, init = {}) {
  return {
    type,
    bubbles: Boolean(init.bubbles),
    defaultPrevented: false,
    target: init.target,
    key: init.key,
    isComposing: false,
    preventDefault() { this.defaultPrevented = true; },
  };
}

class Document extends Node {
  constructor() {
    super(null);
    this.ownerDocument = this;
    this.activeElement = null;
  }

  createElement(tag) { return new Element(this, tag); }

  createTextNode(text) { return new Text(this, text); }

  get body() { return this.findTag(this, 'BODY'); }

  findTag(node, tag) {
    for (const c of node.childNodes) {
      if (c instanceof Element) {
        if (c.tagName === tag) return c;
        const d = this.findTag(c, tag);
        if (d) return d;
      }
    }
    return null;
  }

  getElementById(id) {
    const walk = (n) => {
      for (const c of n.childNodes) {
        if (c instanceof Element) {
          if (c.id === id) return c;
          const d = walk(c);
          if (d) return d;
        }
      }
      return null;
    };
    return walk(this);
  }

  querySelectorAll(selector) {
    return this.childNodes.filter((c) => c instanceof Element).flatMap((c) => [
      ...(c.matches(selector) ? [c] : []), ...c.querySelectorAll(selector)]);
  }
}

function decode(text) {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Parse well-formed HTML (as index.html is) into a Document. */
export function parseHtml(html) {
  const doc = new Document();
  const stack = [doc];
  const re = /<!--[\s\S]*?-->|<!doctype[^>]*>|<\/([a-zA-Z0-9-]+)\s*>|<([a-zA-Z0-9-]+)((?:\s+[^\s=>/]+(?:\s*=\s*"[^"]*")?)*)\s*(\/?)>|([^<]+)/gi;
  let m;
  while ((m = re.exec(html))) {
    const top = stack[stack.length - 1];
    if (m[1]) {
      const tag = m[1].toUpperCase();
      while (stack.length > 1 && stack.pop().tagName !== tag) { /* pop to the matching tag */ }
    } else if (m[2]) {
      const el = doc.createElement(m[2]);
      for (const a of m[3].matchAll(/([^\s=>/]+)(?:\s*=\s*"([^"]*)")?/g)) el.setAttribute(a[1], decode(a[2] ?? ''));
      top.append(el);
      if (!m[4] && !VOID.has(m[2].toLowerCase())) stack.push(el);
    } else if (m[5]) {
      top.append(doc.createTextNode(decode(m[5])));
    }
  }
  return doc;
}
