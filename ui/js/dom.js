// Small DOM helpers shared by the rendering modules. Never touches `document` at import time.

export function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`PSN Auth UI: missing #${id}`);
  return el;
}

/** Set text only when it changed (keeps live regions and selections quiet). */
export function setText(el, text) {
  const value = text ?? '';
  if (el.textContent !== value) el.textContent = value;
}

export function setHidden(el, hidden) {
  if (el.hidden !== Boolean(hidden)) el.hidden = Boolean(hidden);
}

export function setAttr(el, name, value) {
  if (value == null || value === false) {
    if (el.hasAttribute(name)) el.removeAttribute(name);
  } else if (el.getAttribute(name) !== String(value)) {
    el.setAttribute(name, String(value));
  }
}

/**
 * A button with a `.spinner` and `.button-label` child: show the spinner and swap the label
 * while `busy`; `disabled` is applied as given (and always while busy).
 */
export function setButtonState(button, { busy = false, disabled = false, label } = {}) {
  const spinner = button.querySelector('.spinner');
  const labelEl = button.querySelector('.button-label') ?? button;
  if (spinner) setHidden(spinner, !busy);
  if (label != null) setText(labelEl, label);
  button.disabled = Boolean(disabled || busy);
  setAttr(button, 'aria-busy', busy ? 'true' : null);
}

/** Create an element with attributes and children (strings become text nodes). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (key === 'className') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    el.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return el;
}
