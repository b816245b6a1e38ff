/** The engine: validate, explain and (later) plan, apply and drift, as functions over a tree. */
package io.vmtree.engine;
