/* SPDX-License-Identifier: Apache-2.0 */
/* placeholder: being written */
typedef int em_dsp_placeholder_mfe;
