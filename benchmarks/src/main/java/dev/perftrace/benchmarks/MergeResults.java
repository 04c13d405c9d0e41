package dev.perftrace.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Concatenates JMH JSON result files (for example the one-thread and the two-thread runs of a
 * suite) into one file, keeping every entry as JMH wrote it.
 *
 * <pre>java -cp benchmarks.jar dev.perftrace.benchmarks.MergeResults OUT.json IN.json...</pre>
 *
 * <p>Thread safety: stateless.
 */
public final class MergeResults {

  private MergeResults() {}

  /** Merges {@code args[1..]} into {@code args[0]}; exits 2 on bad usage or unreadable input. */
  public static void main(String[] args) {
    if (args.length < 2) {
      System.err.println("usage: MergeResults OUT.json IN.json...");
      System.exit(2);
    }
    try {
      Path[] inputs = new Path[args.length - 1];
      for (int i = 1; i < args.length; i++) {
        inputs[i - 1] = Path.of(args[i]);
      }
      merge(Path.of(args[0]), inputs);
    } catch (IOException e) {
      System.err.println("cannot merge: " + e.getMessage());
      System.exit(2);
    }
  }

  /**
   * Writes the entries of every input, in order, into {@code output}. Empty input files (a JMH
   * run that selected no benchmark) are skipped.
   *
   * @throws IOException when an input is not a JSON array or the output cannot be written
   */
  static void merge(Path output, Path... inputs) throws IOException {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ArrayNode merged = mapper.createArrayNode();
    for (Path input : inputs) {
      if (Files.size(input) == 0) {
        continue;
      }
      JsonNode root = mapper.readTree(input.toFile());
      if (root == null || !root.isArray()) {
        throw new IOException(input + " is not a JMH JSON result (expected a top-level array)");
      }
      merged.addAll((ArrayNode) root);
    }
    mapper.writeValue(output.toFile(), merged);
  }
}
