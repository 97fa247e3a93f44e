import type { Plugin } from 'esbuild'

export declare const graphqlLite: Plugin
