// DOM: the sign-in wizard. Takes the pure wizardView() output and applies it.

import { byId, setAttr, setButtonState, setHidden, setText } from './dom.js';

const STATUS_TEXT = { done: ' (done)', current: ' (current step)', todo: '' };

/**
 * view: wizardView(); forAccount: AccountSummary being signed in again or null;
 * canCancel: accounts exist, so there is a dashboard to go back to.
 */
export function renderWizard(view, { forAccount = null, canCancel = false } = {}) {
  if (forAccount) {
    setText(byId('wizard-title'), 'Sign in again');
    setText(byId('wizard-subtitle'),
      `Sign in as ${forAccount.label} again: here, or in the browser where you sign in to that account.`);
  } else if (canCancel) {
    setText(byId('wizard-title'), 'Add an account');
    setText(byId('wizard-subtitle'), 'Sign in with Sony, then PSN Auth keeps the new tokens fresh.');
  } else {
    setText(byId('wizard-title'), 'Connect your PlayStation account');
    setText(byId('wizard-subtitle'), 'Sign in with Sony, then PSN Auth keeps your tokens fresh.');
  }
  setHidden(byId('wizard-cancel'), !canCancel || Boolean(view.result));

  for (const step of view.steps) {
    const li = byId(`step-${step.n}`);
    setAttr(li, 'data-status', step.status);
    setAttr(li, 'aria-current', step.status === 'current' ? 'step' : null);
    setText(li.querySelector('.step-status'), STATUS_TEXT[step.status]);
  }

  // The one error element moves to the step the message belongs to.
  const block = byId('wizard-error');
  const slot = byId(`error-slot-${view.messageStep}`);
  if (block.parentElement !== slot) slot.append(block);
  block.classList.toggle('has-error', view.message !== '');
  setText(byId('wizard-error-text'), view.message);

  const retry = byId('retry-sign-in');
  const sessionOnly = byId('wizard-session-only');
  setHidden(byId('wizard-error-actions'), !view.retry && !view.offerSessionOnly);
  setHidden(retry, !view.retry);
  if (view.retry) {
    setText(retry, view.retry.label);
    retry.disabled = view.retry.disabled || view.signIn.busy;
  }
  setHidden(sessionOnly, !view.offerSessionOnly);
  sessionOnly.disabled = view.signIn.busy;

  const input = byId('npsso-input');
  setAttr(input, 'aria-invalid', view.message !== '' && view.messageStep === 3 ? 'true' : null);
  // A pasted NPSSO stays in Rust: the field shows only its masked preview.
  setAttr(input, 'placeholder', view.pasted ? `Pasted: ${view.pasted}` : null);
  input.readOnly = view.signIn.busy || Boolean(view.result);
  byId('paste-npsso').disabled = view.signIn.busy || Boolean(view.result);
  setAttr(byId('npsso-form'), 'aria-busy', view.signIn.busy ? 'true' : null);

  setButtonState(byId('sign-in'), {
    busy: view.signIn.busy,
    disabled: view.signIn.disabled,
    label: view.signIn.label,
  });

  // "Sign in here" first; after it ended without a sign-in, the manual steps come forward.
  setButtonState(byId('sign-in-here'), view.signInHere);
  setText(byId('sign-in-here-status'), view.signInHere.status);
  byId('sign-in-here-card').classList.toggle('has-note', view.manualFirst);
  byId('stepper').classList.toggle('stepper-highlight', view.manualFirst);
  setHidden(byId('open-browser-instead'), !view.manualFirst);

  const result = byId('wizard-result');
  setHidden(result, !view.result);
  if (view.result) {
    setText(byId('wizard-result-title'), `Signed in as ${view.result.label}`);
  }
}

/** Empty the NPSSO field and mask it again. */
export function clearNpssoField() {
  const input = byId('npsso-input');
  input.value = '';
  setNpssoVisible(false);
}

export function setNpssoVisible(visible) {
  const input = byId('npsso-input');
  const toggle = byId('toggle-npsso');
  input.type = visible ? 'text' : 'password';
  setText(toggle, visible ? 'Hide' : 'Show');
  setAttr(toggle, 'aria-label', visible ? 'Hide NPSSO' : 'Show NPSSO');
}
