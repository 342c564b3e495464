import { expose } from 'comlink';
import { writerApi } from './wholeFileWriter';

expose(writerApi);
