package dev.vigil.store.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vigil.store.client.Lookup;
import dev.vigil.store.client.VigilStoreClient;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "get", mixinStandardHelpOptions = true, description = "Print members' current values as JSON.")
final class StoreGetCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "Store name")
  String store;

  @Parameters(index = "1..*", arity = "1..*", description = "Member ids")
  List<String> members;

  @Mixin ServerOption server;

  @Override
  public Integer call() throws Exception {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    VigilStoreClient client = server.client();
    int missing = 0;
    for (String member : members) {
      long id;
      try {
        id = Long.parseLong(member);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("member id '" + member + "' is not a 64-bit integer");
      }
      Lookup lookup = client.lookup(store, id);
      if (lookup.value().isEmpty()) {
        System.out.println("member " + id + ": no value (version " + lookup.servingVersion() + ")");
        missing++;
      } else {
        System.out.println(json.writeValueAsString(lookup.value().get()));
      }
    }
    return missing == 0 ? 0 : 1;
  }
}
