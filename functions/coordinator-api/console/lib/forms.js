/* Coordinator console (no build step): form fields with inline, per-field errors from the API.
 * Rule: data reaches the page through text nodes only; no innerHTML anywhere. */
import { ApiError } from './api.js';
import { h } from './dom.js';
import { pathOf } from './format.js';
import { t } from './i18n.js';

export function errorMessages(error) {
  if (error instanceof ApiError && Array.isArray(error.body?.errors)) return error.body.errors.map((e) => `${pathOf(e.path)}: ${e.message}`);
  return [error.message];
}

/** A field: label + control + an error slot bound by aria-describedby. */
export function field(name, labelText, control, hint) {
  control.id ||= `f-${name.replace(/\W/g, '-')}`;
  control.name = name;
  const errorId = `${control.id}-error`;
  control.setAttribute('aria-describedby', errorId);
  return h('div', { class: 'field', dataset: { field: name } },
    h('label', { for: control.id }, labelText), control,
    hint ? h('div', { class: 'hint' }, hint) : null,
    h('div', { class: 'field-error', id: errorId }));
}

export function clearErrors(form) {
  for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  form.querySelector('.form-errors')?.remove();
}

/** Puts each `errors: [{path, message}]` entry next to its field; the rest in a summary. */
export function showErrors(form, error) {
  clearErrors(form);
  const entries = error instanceof ApiError && Array.isArray(error.body?.errors)
    ? error.body.errors
    : error instanceof ApiError && error.status === 409 && error.body?.field
      ? [{ path: error.body.field, message: error.body.message }]
      : [{ path: '', message: error.message }];
  const unplaced = [];
  let first = null;
  for (const entry of entries) {
    const path = pathOf(entry.path).replace(/^body\./, '');
    const slot = [...form.querySelectorAll('[data-field]')].find((f) => f.dataset.field === path || path.startsWith(`${f.dataset.field}.`) || f.dataset.field.startsWith(`${path}.`));
    if (!slot) { unplaced.push(path ? `${path}: ${entry.message}` : entry.message); continue; }
    const control = slot.querySelector('input, select, textarea');
    control.setAttribute('aria-invalid', 'true');
    const out = slot.querySelector('.field-error');
    out.textContent = out.textContent ? `${out.textContent} ${entry.message}` : entry.message;
    first ??= control;
  }
  const summary = h('div', { class: 'form-errors', role: 'alert' }, h('p', {}, t('enroll.fixErrors')), unplaced.length ? h('ul', {}, unplaced.map((m) => h('li', {}, m))) : null);
  form.prepend(summary);
  (first ?? summary).focus?.();
}
