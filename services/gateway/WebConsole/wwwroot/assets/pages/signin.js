import { api } from '../api.js';
import { h, replace, errorBox } from '../dom.js';

/** Paste a key; the gateway keeps it in an HttpOnly cookie, so this page forgets it as soon as it is sent. */
export function signInPage({ main, onSignedIn }) {
  const key = h('input', { id: 'api-key', name: 'api_key', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false' });
  const project = h('input', { id: 'project-id', name: 'project_id', type: 'number', min: '1', inputmode: 'numeric' });
  const message = h('div', {});
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', { class: 'card narrow', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, 'Sign in'),
    h('p', {}, 'Paste an API key. The console shows the calls, agents and metrics of its project only.'),
    h('label', { for: 'api-key' }, 'API key'),
    key,
    h('label', { for: 'project-id' }, 'Project id ', h('span', { class: 'muted' }, '(only for an organisation-wide key)')),
    project,
    message,
    submit);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    submit.disabled = true;
    replace(message);
    try {
      const view = await api('POST', '/console/session', {
        api_key: key.value,
        project_id: project.value ? Number(project.value) : null,
      });
      key.value = '';
      onSignedIn(view);
    } catch (error) {
      replace(message, errorBox(error));
      key.focus();
    } finally {
      submit.disabled = false;
    }
  });
  replace(main, form);
  key.focus();
}
