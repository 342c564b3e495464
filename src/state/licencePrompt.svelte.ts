import { LicenceQuestion } from './LicenceQuestion.svelte';

/** The licence dialog's question. */
export const licencePrompt = new LicenceQuestion();
