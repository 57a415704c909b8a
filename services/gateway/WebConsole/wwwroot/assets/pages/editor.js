import { get, api } from '../api.js';
import { h, replace, errorBox, announce } from '../dom.js';

/**
 * The page that creates or edits one record of a collection (an agent, a metric): the record is created with POST
 * or changed with PATCH, and the page of the saved record follows. `noun` names one record ('agent'), `collection`
 * is its API path ('/test_framework/v1/aiagents/') and `pages` the console's list of them ('/console/agents').
 */
export function recordEditor({ noun, collection, pages }) {
  const Noun = noun[0].toUpperCase() + noun.slice(1);
  // Shown once on the page a save leads to.
  let flash = null;

  return {
    /** The record `which` names: null for 'new', undefined when there is no such record. */
    load(which) {
      return which === 'new'
        ? Promise.resolve(null)
        : get(`${collection}${which}/`).catch(e => { if (e.status === 404) return undefined; throw e; });
    },

    notFound(main) {
      replace(main, h('h1', {}, `${Noun} not found`), h('p', {}, h('a', { href: pages }, `Back to the ${noun}s`)));
    },

    /**
     * Shows the form: `record` is null when creating, `title` its name, `fields` the form's fields in order and
     * `body()` the request body read from them when the form is submitted.
     */
    show({ main, navigate }, { record, title }, fields, body) {
      const creating = record === null;
      const titleId = `${noun}-title`;
      const message = h('div', { 'aria-live': 'polite' });
      const save = h('button', { type: 'submit' }, creating ? `Create ${noun}` : 'Save changes');
      const form = h('form', { class: 'card', 'aria-labelledby': titleId },
        h('p', {}, h('a', { href: pages }, `← All ${noun}s`)),
        h('h1', { id: titleId }, creating ? `New ${noun}` : `${Noun} ${title}`),
        fields,
        message,
        h('div', { class: 'actions' }, save));
      form.addEventListener('submit', async event => {
        event.preventDefault();
        save.disabled = true;
        replace(message);
        const request = body();
        try {
          const saved = creating
            ? await api('POST', collection, request)
            : await api('PATCH', `${collection}${record.id}/`, request);
          announce(creating ? `${Noun} created` : `${Noun} saved`);
          flash = creating ? `${Noun} created.` : 'Saved.';
          navigate(`${pages}/${saved.id}`, { replace: !creating });
        } catch (error) {
          replace(message, errorBox(error));
        } finally {
          save.disabled = false;
        }
      });
      if (flash) {
        replace(message, h('p', { class: 'ok' }, flash));
        flash = null;
      }
      replace(main, form);
    },
  };
}
