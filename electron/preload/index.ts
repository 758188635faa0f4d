// Preload (sandboxed, CommonJS after bundling): exposes the allow-listed bridge and nothing else.
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge.ts';

contextBridge.exposeInMainWorld('trajscope', createBridge(ipcRenderer));
