import { LicenceRecords } from './LicenceRecords.svelte';

/** Licences accepted on this device. */
export const licences = new LicenceRecords();
