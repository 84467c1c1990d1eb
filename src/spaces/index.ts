export { Space, isSpace, type SpaceJSON, type SpaceValue, type BoxDtype } from './space.js';
export { Box, type BoxOptions } from './box.js';
export { Discrete } from './discrete.js';
export { MultiDiscrete } from './multi-discrete.js';
export { MultiBinary } from './multi-binary.js';
export { Dict, Tuple } from './composite.js';
export { spaceFromJSON } from './json.js';
export { flatdim, flatten, unflatten, flattenSpace } from './flatten.js';
