/* Coordinator console (no build step): DOM helpers (text only), the view slot and the status line.
 * Rule: data reaches the page through text nodes only; no innerHTML anywhere. */

/** Builds an element; string children become text nodes, so data is never parsed as HTML. */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'value') el.value = value;
    else if (key === 'checked') el.checked = Boolean(value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}
export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}
const SVG = 'http://www.w3.org/2000/svg';
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  for (const child of children) el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return el;
}
export const view = () => document.getElementById('view');
export function setView(...children) {
  const el = view();
  el.replaceChildren(...children.flat().filter(Boolean));
}
export function flash(text, kind = 'ok') {
  const status = document.getElementById('status');
  status.replaceChildren(h('div', { class: `msg ${kind}` }, text));
  clearTimeout(flash.timer);
  flash.timer = setTimeout(() => status.replaceChildren(), 6000);
}

/** Asks the shell to render the current route again (after a change that alters the page). */
export function rerender() {
  document.dispatchEvent(new CustomEvent('console:render'));
}

/** Asks the shell to refresh the navigation badges (open reports, open alerts). */
export function refreshBadges() {
  document.dispatchEvent(new CustomEvent('console:counts'));
}
