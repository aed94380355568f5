import { h, postControl } from './dom';

/**
 * The HTTP controls as forms: fail, delay or drop the next requests, clear faults, reset. What is
 * armed is listed from the overview; each action says what it did, or Connect's reason it did not.
 */

const STATUSES = [500, 502, 503, 504, 429, 408, 400, 401, 413];

export function controlsPanel(panel: HTMLElement, changed: () => void): (armed: string[]) => void {
  const said = h('p', { role: 'status', class: 'meta', id: 'control-said' });
  const armed = h('ul', { id: 'armed' });
  const act = async (path: string, body: unknown, done: string) => {
    const problem = await postControl(path, body);
    said.textContent = problem ?? done;
    said.classList.toggle('refused', problem !== undefined);
    changed();
  };
  const number = (
    id: string,
    label: string,
    value: string,
    attributes: Record<string, string | number> = {},
  ) =>
    h(
      'p',
      null,
      h('label', { for: id }, label),
      h('input', { id, name: id, type: 'number', min: 0, value, ...attributes }),
    );
  const form = (
    legend: string,
    button: string,
    fields: HTMLElement[],
    submit: (data: FormData) => void,
  ) =>
    h(
      'form',
      {
        onsubmit: (event: Event) => {
          event.preventDefault();
          submit(new FormData(event.target as HTMLFormElement));
        },
      },
      h(
        'fieldset',
        null,
        h('legend', null, legend),
        ...fields,
        h('button', { type: 'submit' }, button),
      ),
    );
  const whole = (data: FormData, name: string) => Number(data.get(name));

  panel.append(
    h('h2', { id: 'controls-heading' }, 'Controls'),
    h(
      'p',
      { class: 'meta' },
      'Watch your app retry: each fault applies to the next API requests, then stops.',
    ),
    h('h3', null, 'Armed'),
    armed,
    form(
      'Fail requests',
      'Fail next',
      [
        number('fail-count', 'Requests', '1'),
        h(
          'p',
          null,
          h('label', { for: 'fail-status' }, 'Status'),
          h(
            'select',
            { id: 'fail-status', name: 'fail-status' },
            STATUSES.map((s) => h('option', { value: s, selected: s === 503 }, s)),
          ),
        ),
        number('fail-retry', 'Retry-After (s)', '', { placeholder: 'none' }),
        h(
          'p',
          null,
          h('label', { for: 'fail-every' }, 'Every Nth request instead, until cleared'),
          h('input', { id: 'fail-every', name: 'fail-every', type: 'checkbox' }),
        ),
      ],
      (data) => {
        const n = whole(data, 'fail-count');
        const status = whole(data, 'fail-status');
        const every = data.get('fail-every') !== null;
        const body: Record<string, number> = every ? { every: n, status } : { count: n, status };
        if (data.get('fail-retry') !== '') body.retryAfter = whole(data, 'fail-retry');
        void act(
          'faults/fail',
          body,
          every
            ? `Every ${n === 1 ? '' : `${n}th `}request will fail with ${status}, until cleared.`
            : `The next ${n} request(s) will fail with ${status}.`,
        );
      },
    ),
    form(
      'Delay requests',
      'Delay next',
      [number('delay-count', 'Requests', '1'), number('delay-ms', 'Milliseconds', '2000')],
      (data) => {
        const body = { count: whole(data, 'delay-count'), ms: whole(data, 'delay-ms') };
        void act(
          'faults/delay',
          body,
          `The next ${body.count} request(s) will be answered after ${body.ms} ms.`,
        );
      },
    ),
    form('Drop connections', 'Drop next', [number('drop-count', 'Requests', '1')], (data) => {
      const body = { count: whole(data, 'drop-count') };
      void act('faults/drop', body, `The next ${body.count} connection(s) will be dropped.`);
    }),
    h(
      'p',
      { class: 'actions' },
      h(
        'button',
        { type: 'button', onclick: () => void act('faults/clear', {}, 'Faults cleared.') },
        'Clear faults',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'danger',
          onclick: () =>
            void act('reset', {}, 'Emulator reset: users, events, requests and faults forgotten.'),
        },
        'Reset emulator',
      ),
    ),
    said,
  );

  return (list) => {
    armed.textContent = '';
    if (list.length === 0)
      armed.append(h('li', { class: 'meta' }, 'Nothing: every request is answered normally.'));
    for (const line of list) armed.append(h('li', null, line));
  };
}
