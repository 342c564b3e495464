import { storeBridge } from '../bridges';
import { DeviceCheck } from './DeviceCheck.svelte';

/** This device's capabilities. */
export const device = new DeviceCheck(storeBridge);
