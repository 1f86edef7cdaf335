/** chap's names of the sets, as the Overview and the Leaks view list them. */
export const SET_LABELS: Record<string, string> = {
  leaked: 'Leaked',
  unreferenced: 'Unreferenced',
  anchored: 'Anchored',
  anchorpoints: 'Anchor points',
  stackanchored: 'Stack anchored',
  registeranchored: 'Register anchored',
  staticanchored: 'Static anchored',
  threadonlyanchored: 'Thread-only anchored',
  stackanchorpoints: 'Stack anchor points',
  registeranchorpoints: 'Register anchor points',
  staticanchorpoints: 'Static anchor points',
};
