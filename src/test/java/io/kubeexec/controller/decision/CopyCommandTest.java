package io.kubeexec.controller.decision;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which exec commands are kubectl cp: tar, as the original says, and kubectl's own probe and retrying copy. */
class CopyCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = "=>", textBlock = """
            kubectl cp into a pod runs tar xmf (1.20 and 1.32)                => ["tar","-xmf","-","-C","/tmp"]                => true
            kubectl cp --no-preserve into a pod runs tar with more options    => ["tar","--no-same-permissions","--no-same-owner","-xmf","-"] => true
            kubectl cp out of a pod runs tar cf                               => ["tar","cf","-","/etc/hosts"]                 => true
            an exec of /bin/tar is cp, as in the original                     => ["/bin/tar","cf","-","/data"]                 => true
            kubectl cp into a pod first probes the destination with test -d   => ["test","-d","/tmp"]                          => true
            a probe of a relative destination is cp too                        => ["test","-d","data/in"]                       => true
            kubectl cp --retries out of a pod is tar piped into tail (1.23+)  => ["sh","-c","tar cf - /etc/hosts | tail -c+0"] => true
            a retried copy resumes further on and is cp                        => ["sh","-c","tar cf - /var/log/app.log | tail -c+40961"] => true
            a retried copy of a path with a space is cp                        => ["sh","-c","tar cf - /data/my file | tail -c+0"] => true
            test -f is not kubectl's probe                                      => ["test","-f","/tmp"]                          => false
            test -d of two paths is not kubectl's probe                         => ["test","-d","/tmp","/var"]                   => false
            test -d of an empty path is not kubectl's probe                     => ["test","-d",""]                              => false
            test -d through a shell is an exec                                  => ["sh","-c","test -d /tmp"]                    => false
            /usr/bin/test -d is not the probe kubectl sends                     => ["/usr/bin/test","-d","/tmp"]                 => false
            tar through a shell without tail is an exec, as in the original    => ["sh","-c","tar cf - /data"]                  => false
            a retrying copy line with a command after a semicolon is an exec    => ["sh","-c","tar cf - /x; rm -rf /data | tail -c+0"] => false
            a retrying copy line with a command substitution is an exec        => ["sh","-c","tar cf - $(reboot) | tail -c+0"]  => false
            a retrying copy line with more after tail is an exec               => ["sh","-c","tar cf - /x | tail -c+0 | sh"]    => false
            a retrying copy line with a newline is an exec                     => ["sh","-c","tar cf - /x\\nreboot | tail -c+0"] => false
            bash -c with the retrying copy line is not what kubectl sends      => ["bash","-c","tar cf - /x | tail -c+0"]       => false
            a shell is an exec                                                  => ["sh"]                                        => false
            a program merely ending in tar is an exec                           => ["guitar"]                                    => false
            no command at all is an exec                                        => []                                            => false
            """)
    void kubectlsCopyShapesAreCpAndAnythingElseIsAnExec(String behaviour, String command, boolean copy)
            throws Exception {
        List<String> words = JSON.readValue(command, new TypeReference<>() { });

        assertThat(CopyCommand.isCopy(words)).isEqualTo(copy);
    }
}
