import { storeBridge } from '../bridges';
import { StoredModelDetails } from './StoredModelDetails.svelte';

/** What the model panel shows of the loaded model. */
export const modelDetails = new StoredModelDetails(storeBridge);
