import { expose } from 'comlink';
import { storeApi } from './storeApi';

expose(storeApi);
