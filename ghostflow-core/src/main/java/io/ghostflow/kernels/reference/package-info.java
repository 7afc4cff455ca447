/** Plain scalar reference kernels: the ground truth the Vector API kernels are tested against. */
package io.ghostflow.kernels.reference;
