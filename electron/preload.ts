import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadApi } from './ipc/create-preload-api';

// The only bridge between the sandboxed page and main: the contract's channels and events, nothing else.
contextBridge.exposeInMainWorld('apprentice', createPreloadApi(ipcRenderer));
