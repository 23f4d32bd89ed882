import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Demand fill of a Caffeine cache over a trace: a hit when the key is present, else a put. The trace
 * is a file of little-endian 32-bit keys; every further argument is a maximum size. Prints one line
 * "size hits requests" per size. Maintenance runs on the calling thread, so the run is deterministic
 * apart from Caffeine's own random admission.
 */
public class CaffeineHitRatio {
  public static void main(String[] args) throws Exception {
    ByteBuffer trace = ByteBuffer.wrap(Files.readAllBytes(Path.of(args[0]))).order(ByteOrder.LITTLE_ENDIAN);
    int requests = trace.remaining() / 4;
    for (int a = 1; a < args.length; a++) {
      long size = Long.parseLong(args[a]);
      Cache<Integer, Integer> cache = Caffeine.newBuilder().maximumSize(size).executor(Runnable::run).build();
      long hits = 0;
      for (int i = 0; i < requests; i++) {
        Integer key = trace.getInt(i * 4);
        if (cache.getIfPresent(key) != null) hits++;
        else cache.put(key, key);
      }
      System.out.println(size + " " + hits + " " + requests);
    }
  }
}
