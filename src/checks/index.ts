import { anyRule } from './any-rule.js';
import type { Check } from './check.js';
import { edgeTraversal } from './edge-traversal.js';
import { exposedInternalPort } from './exposed-internal-port.js';
import { firewallDisabled } from './firewall-disabled.js';
import { managementAccess } from './management-access.js';
import { missingFlow } from './missing-flow.js';
import { nothingChecked } from './nothing-checked.js';
import { obsoleteFlow } from './obsolete-flow.js';
import { partialFlow } from './partial-flow.js';
import { uncertainVerdict } from './uncertain-verdict.js';
import { wrongDirection } from './wrong-direction.js';

/** Every check, in the order their findings are listed for equal severity. */
export const CHECKS: readonly Check[] = [firewallDisabled, nothingChecked, missingFlow, partialFlow, anyRule, wrongDirection, exposedInternalPort, managementAccess, edgeTraversal, obsoleteFlow, uncertainVerdict];
