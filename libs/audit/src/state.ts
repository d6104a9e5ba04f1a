/** State as of an instant or version: the codec's one implementation (see @libs/codec), re-exported for auditors. */
export { foldAsOf, stateAsOf, type AsOf, type FoldedState, type Folder } from '@libs/codec';
