/** The command line: thin picocli commands that parse, call the engine and render. */
package io.vmtree.cli;
