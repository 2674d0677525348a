// The JSON shapes of the embedkit HTTP API (docs/server.md), as the explorer uses them.

export interface ModelInfo {
  name: string;
  kind: 'vectors' | 'index';
  count: number;
  dims: number;
  encoder?: string;
  hasThumbnails: boolean;
}

export interface PointItem {
  id: number | string;
  label: string;
  metadata?: Record<string, unknown>;
}

export interface PointsPage {
  total: number;
  offset: number;
  items: PointItem[];
}

export interface Neighbour {
  word: string;
  id: number | string;
  score: number;
}

export interface SearchHit {
  id: number | string;
  score: number;
  metadata?: Record<string, unknown>;
}

export type ProjectionMethod = 'pca' | 'tsne' | 'umap';

export interface ProjectionRequest {
  model?: string;
  method: ProjectionMethod;
  dims: 2 | 3;
  limit?: number;
  params?: { perplexity?: number; neighbors?: number; minDist?: number; iterations?: number; seed?: number };
}

export interface ProjectionStatus {
  id: string;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  progress: number;
  phase?: string;
  error?: string;
  count: number;
  dims: number;
}
