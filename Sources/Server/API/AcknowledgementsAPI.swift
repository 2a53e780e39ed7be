import AlertPipeline
import Alerting
import HTTP
import JSON
import Logging
import Model

/// `POST`/`GET /api/v1/alerts/acknowledgements` and `DELETE /api/v1/alerts/acknowledgements/{id}`: operators
/// acknowledge firing alerts (no more repeats until they resolve). Writes need the admin token and are
/// committed before the answer.
struct AcknowledgementsAPI: Sendable {
    let router: AlertRouter
    let access: AccessControl
    let logger: Logger

    /// Acknowledges the firing alerts the body's matchers select; answers 200 with the acknowledgement (its
    /// `id`), 400 for a bad body, 404 when no firing alert matches.
    func post(_ request: HTTPRequest) -> HTTPResponse {
        if let refusal = access.refuseAdmin(request) { return refusal }
        let posted: (matchers: [LabelMatcher], createdBy: String, comment: String, endsAt: Timestamp?)
        do throws(SilenceError) {
            posted = try APIv2Decoding.postableAcknowledgement(request.body)
        } catch {
            return APIResponse.error(400, error.description)
        }
        do throws(AcknowledgementWriteError) {
            let acknowledgement = try router.acknowledge(
                matchers: posted.matchers, createdBy: posted.createdBy, comment: posted.comment, endsAt: posted.endsAt)
            logger.info(
                "alerts acknowledged",
                metadata: [
                    "id": "\(acknowledgement.id)", "created_by": "\(acknowledgement.createdBy)",
                    "matchers": "\(acknowledgement.matchers.alertmanagerDescription)",
                    "alerts": "\(acknowledgement.alerts.count)",
                ])
            return APIResponse.success { APIv2Encoding.writeAcknowledgement(acknowledgement, into: &$0) }
        } catch {
            return Self.failure(error)
        }
    }

    /// The acknowledgements in force, oldest first.
    func list(_ request: HTTPRequest) -> HTTPResponse {
        let acknowledgements = router.acknowledgements
        return APIResponse.success { writer in
            writer.beginArray()
            for acknowledgement in acknowledgements {
                APIv2Encoding.writeAcknowledgement(acknowledgement, into: &writer)
            }
            writer.endArray()
        }
    }

    /// Removes one: its alerts are repeated again at their `repeat_interval`.
    func delete(_ request: HTTPRequest, _ id: String) -> HTTPResponse {
        if let refusal = access.refuseAdmin(request) { return refusal }
        do throws(AcknowledgementWriteError) {
            let removed = try router.removeAcknowledgement(id: id)
            logger.info("acknowledgement removed", metadata: ["id": "\(removed.id)"])
            return APIResponse.success { APIv2Encoding.writeAcknowledgement(removed, into: &$0) }
        } catch {
            return Self.failure(error)
        }
    }

    private static func failure(_ error: AcknowledgementWriteError) -> HTTPResponse {
        switch error {
        case .refused(.badRequest(let message)): APIResponse.error(400, message)
        case .refused(let refusal): APIResponse.error(404, refusal.description)
        case .storage(let failure): APIResponse.error(503, "not saved, nothing changed: \(failure.message)")
        }
    }
}
